//! Long-tail load client (issue 15): every request a query nobody asked before.
//!
//! Reads search paths (one per line, already URL-encoded, e.g. `/api/search?q=...`) from the
//! file `LONGTAIL_PATHS`, then for each concurrency of `LONGTAIL_CONCURRENCY` (default
//! "2 4 8") sends the next unused paths from that many keep-alive connections for
//! `LONGTAIL_SECS` seconds (default 5) to `LONGTAIL_ADDR` (default 127.0.0.1:18094). No path is
//! sent twice in a run, so no cache could answer even if one were on. Prints one line per
//! concurrency: requests/s, p50/p99 latency, errors (answers other than 200) and, given the
//! server's `LONGTAIL_PID`, its CPU time per request (the figure that a busy machine blurs
//! least).
//!
//! Plain std (threads and blocking sockets): it runs anywhere the crate builds, no `wrk`.
//! Driven by `benches/longtail.sh`, which makes the paths and starts the server; run alone:
//!
//!   cargo build --release --bench longtail
//!   LONGTAIL_PATHS=paths.txt target/release/deps/longtail-* --bench

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// One HTTP/1.1 exchange on a keep-alive connection: the status code (the body is read whole
/// and dropped).
fn get(conn: &mut BufReader<TcpStream>, path: &str) -> std::io::Result<u16> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    conn.get_mut().write_all(request.as_bytes())?;
    let mut line = String::new();
    conn.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (mut length, mut chunked) = (0usize, false);
    loop {
        line.clear();
        if conn.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let lower = header.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            conn.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
        }
    } else {
        std::io::copy(&mut conn.by_ref().take(length as u64), &mut std::io::sink())?;
    }
    Ok(status)
}

/// What one run at a concurrency measured.
struct Run {
    requests: usize,
    errors: usize,
    latencies_us: Vec<u64>,
    secs: f64,
}

fn run(addr: &str, paths: &Arc<Vec<String>>, next: &Arc<AtomicUsize>, n: usize, secs: f64) -> Run {
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..n)
        .map(|_| {
            let (paths, next, stop) = (Arc::clone(paths), Arc::clone(next), Arc::clone(&stop));
            let (latencies, errors, addr) = (
                Arc::clone(&latencies),
                Arc::clone(&errors),
                addr.to_string(),
            );
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                let mut conn = None;
                while !stop.load(Ordering::Relaxed) {
                    let Some(path) = paths.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    if conn.is_none() {
                        conn = TcpStream::connect(&addr).ok().map(|s| {
                            let _ = s.set_nodelay(true);
                            BufReader::new(s)
                        });
                    }
                    let Some(c) = conn.as_mut() else {
                        errors.fetch_add(1, Ordering::Relaxed);
                        continue;
                    };
                    let t = Instant::now();
                    match get(c, path) {
                        Ok(200) => mine.push(t.elapsed().as_micros() as u64),
                        Ok(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            conn = None;
                        }
                    }
                }
                if let Ok(mut all) = latencies.lock() {
                    all.extend(mine);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let secs = started.elapsed().as_secs_f64();
    let mut latencies_us =
        std::mem::take(&mut *latencies.lock().unwrap_or_else(|e| e.into_inner()));
    latencies_us.sort_unstable();
    Run {
        requests: latencies_us.len(),
        errors: errors.load(Ordering::Relaxed),
        latencies_us,
        secs,
    }
}

/// CPU seconds (user + system) of process `pid` so far, from /proc (`None` elsewhere).
fn cpu_secs(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

fn percentile_ms(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let k = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[k.min(sorted.len() - 1)] as f64 / 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; without the paths there is nothing to measure.
    let Ok(file) = std::env::var("LONGTAIL_PATHS") else {
        eprintln!("longtail: set LONGTAIL_PATHS (see benches/longtail.sh); skipped");
        return;
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("longtail: cannot read {file}: {e}");
            std::process::exit(1);
        }
    };
    let paths: Arc<Vec<String>> = Arc::new(
        text.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    );
    let addr = env_or("LONGTAIL_ADDR", "127.0.0.1:18094");
    let secs: f64 = env_or("LONGTAIL_SECS", "5").parse().unwrap_or(5.0);
    let next = Arc::new(AtomicUsize::new(0));
    let pid = env_or("LONGTAIL_PID", "");
    println!("{} distinct paths", paths.len());
    for n in env_or("LONGTAIL_CONCURRENCY", "2 4 8")
        .split_whitespace()
        .filter_map(|c| c.parse::<usize>().ok())
    {
        let cpu0 = cpu_secs(&pid);
        let r = run(&addr, &paths, &next, n, secs);
        let cpu = match (cpu0, cpu_secs(&pid)) {
            (Some(a), Some(b)) if r.requests > 0 => {
                format!(
                    " server_cpu_ms_per_request={:.2}",
                    (b - a) * 1000.0 / r.requests as f64
                )
            }
            _ => String::new(),
        };
        let exhausted = if next.load(Ordering::Relaxed) >= paths.len() {
            " (paths ran out: give more)"
        } else {
            ""
        };
        println!(
            "RESULT concurrency={n} requests={} req_per_s={:.0} p50_ms={:.2} p99_ms={:.2} errors={}{cpu}{exhausted}",
            r.requests,
            r.requests as f64 / r.secs,
            percentile_ms(&r.latencies_us, 50.0),
            percentile_ms(&r.latencies_us, 99.0),
            r.errors,
        );
    }
}

//! The `edusearch` binary: a thin shell over the library's CLI.

/// jemalloc instead of glibc's allocator: the server allocates and frees buffers of very
/// different sizes on many threads (match sets, stored entries, answers); glibc's per-thread
/// arenas kept about half again as much heap (`benches/load.sh` with `TAIL=10`: 156 MB
/// anonymous memory with glibc, 104–112 MB with jemalloc) and searches ran slower.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    edusearch::cli::main()
}

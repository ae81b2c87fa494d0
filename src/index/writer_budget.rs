//! The index writer's memory budget: how many indexing threads a budget affords.
//!
//! tantivy splits the writer's heap budget evenly across its indexing threads and refuses a
//! share below [`MIN_PER_THREAD`]; each thread flushes a segment when its share is full. A small
//! budget therefore means fewer threads, not a failure.

/// Least heap share of one indexing thread that tantivy accepts, in bytes.
pub const MIN_PER_THREAD: usize = 15_000_000;
/// Largest heap share of one indexing thread that tantivy accepts, in bytes (just under 4 GiB).
const MAX_PER_THREAD: usize = 4_000_000_000;
/// Most indexing threads: parsing runs on the other cores, and more threads mean more, smaller
/// segments to merge.
const MAX_THREADS: usize = 4;

/// Default budget, in bytes: with the parsing threads, the documents in flight and the merges
/// this keeps `edusearch index` under about 500 MB of resident memory (see `benches/scale.sh`).
pub const DEFAULT_BYTES: usize = 64_000_000;

/// The writer's threads and total heap for a budget of `bytes` on `cores` cores: as many
/// threads as the cores (at most [`MAX_THREADS`]) whose shares stay at least
/// [`MIN_PER_THREAD`]; a budget below one share is raised to it.
pub fn plan(bytes: usize, cores: usize) -> (usize, usize) {
    let bytes = bytes.max(MIN_PER_THREAD);
    let threads = cores
        .clamp(1, MAX_THREADS)
        .min(bytes / MIN_PER_THREAD)
        .max(1);
    (threads, bytes.min(threads * MAX_PER_THREAD))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_budgets_use_fewer_threads() {
        assert_eq!(plan(120_000_000, 2), (2, 120_000_000));
        assert_eq!(plan(20_000_000, 4), (1, 20_000_000));
        assert_eq!(plan(1, 2), (1, MIN_PER_THREAD));
        assert_eq!(plan(64_000_000, 8), (4, 64_000_000));
    }

    #[test]
    fn every_share_is_accepted_by_tantivy() {
        for mb in [1usize, 15, 16, 31, 45, 60, 500, 4000, 20000] {
            for cores in 1..=8 {
                let (threads, bytes) = plan(mb * 1_000_000, cores);
                let share = bytes / threads;
                assert!(
                    (MIN_PER_THREAD..=MAX_PER_THREAD).contains(&share),
                    "{mb} MB, {cores} cores"
                );
            }
        }
    }
}

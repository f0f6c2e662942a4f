fn main() -> std::process::ExitCode {
    fix_mmap_threshold();
    let ended = hocr::cli::run();
    // The process ends next: what the run held (the records, the
    // findings) is left to the system, which takes it back at once,
    // rather than freed record by record (BENCHMARKS.md).
    std::mem::forget(ended.held);
    std::process::ExitCode::from(ended.code)
}

/// glibc raises its mmap threshold each time a large block is freed (up to
/// 32 MiB); after that, large buffers (the findings, the id sets growing)
/// come from the heap, and once freed stay with the process. A fixed
/// threshold keeps them mapped and gives them back, and the peak memory of
/// a large run falls (BENCHMARKS.md). Tuning only: nothing depends on it,
/// and other platforms go without.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_MMAP_THRESHOLD: i32 = -3;
    // SAFETY: mallopt changes the allocator's tuning and nothing else; it
    // is called before any other thread exists.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}

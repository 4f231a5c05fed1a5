use std::process::ExitCode;

/// mimalloc: rule evaluation allocates and frees millions of small values; with it `evaluate`
/// of 100k resources ran ~25% faster than with glibc malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// From the mimalloc library linked by the `mimalloc` crate (include/mimalloc.h).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v3, as built by libmimalloc-sys 0.1).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> ExitCode {
    // drready is a short-lived process: returning freed memory to the OS while it runs only
    // costs page faults (1.2 s of system time in a 100k-resource evaluation), so never purge.
    // SAFETY: sets a process-wide allocator option; mimalloc allows it at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // regorus builds (and drops) error values on some hot evaluation paths; with RUST_BACKTRACE=1,
    // as CI environments often set, each would capture a backtrace, which made evaluation ~10%
    // slower (docs/performance.md). drready prints no library backtraces, so turn their capture
    // off; panics still honour RUST_BACKTRACE.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: at the start of main, before any other thread exists.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let status = drready::cli::main();
    ExitCode::from(status.code())
}

//! The `dealcheck` binary: a thin shell over the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

/// Whether standard output was closed when the program started (`dealcheck rules/ >&-`).
///
/// Rust's runtime reopens a closed standard descriptor on `/dev/null` before `main` runs, so a
/// report written there would vanish without a word and the run would pass. A function listed
/// in the ELF `.init_array` runs before that runtime start-up and looks first.
#[cfg(target_os = "linux")]
mod stdout_at_start {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn look() {
        // SAFETY: `F_GETFD` only reads the descriptor's flags; on a closed descriptor it fails
        // with `EBADF` and changes nothing.
        let closed = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1;
        CLOSED.store(closed, Ordering::Relaxed);
    }

    #[used]
    #[link_section = ".init_array"]
    static LOOK: extern "C" fn() = look;

    pub fn was_closed() -> bool {
        CLOSED.load(Ordering::Relaxed)
    }
}

#[cfg(not(target_os = "linux"))]
mod stdout_at_start {
    pub fn was_closed() -> bool {
        false
    }
}

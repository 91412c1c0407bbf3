//! The built `amigo-proxy` binary as the command-line tests run it: one way to start it with a
//! clean environment, read the URL from its banner and stop it as a service manager would.

use std::io::{BufRead, BufReader, Lines};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The banner's first line, before the URL it serves on.
const LISTENING: &str = "amigo-proxy listening on ";

/// The binary with no `AMIGO_*` variable from the test's own environment.
pub(crate) fn proxy() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_amigo-proxy"));
    for (var, _) in std::env::vars() {
        if var.starts_with("AMIGO_") {
            c.env_remove(var);
        }
    }
    c
}

/// [`proxy`] as `--sandbox` on a free loopback port, writing where everything is to `info`.
pub(crate) fn sandbox(info: &Path) -> Command {
    let mut c = proxy();
    c.args([
        "--sandbox",
        "--listen",
        "127.0.0.1:0",
        "--sandbox-info-file",
    ])
    .arg(info);
    c
}

/// A proxy started by [`serve`]: the process, the URL its banner printed and the rest of its
/// standard output.
pub(crate) struct Served {
    pub(crate) child: Child,
    pub(crate) url: String,
    pub(crate) lines: Lines<BufReader<ChildStdout>>,
}

/// Starts `command` (stdout piped) and reads the banner's first line: `amigo-proxy listening on
/// URL`. Panics with the line when it is anything else.
pub(crate) fn serve(command: &mut Command) -> Served {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix(LISTENING)
        .unwrap_or_else(|| panic!("not the banner: {first}"))
        .to_owned();
    Served { child, url, lines }
}

impl Served {
    /// The next `n` lines of the banner.
    pub(crate) fn banner(&mut self, n: usize) -> Vec<String> {
        self.lines.by_ref().take(n).map(Result::unwrap).collect()
    }

    /// Sends SIGTERM and waits (up to 10 s) for the process to exit; returns how it exited.
    pub(crate) fn terminate(&mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

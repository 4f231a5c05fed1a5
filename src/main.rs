use std::process::ExitCode;

fn main() -> ExitCode {
    let status = drready::cli::main();
    ExitCode::from(status.code())
}

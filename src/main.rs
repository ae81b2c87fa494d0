//! The `edusearch` binary: a thin shell over the library's CLI.

fn main() -> std::process::ExitCode {
    edusearch::cli::main()
}

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(hocr::cli::main())
}

//! `devflare-secrets`: set, list and delete local Secrets Store values in Devflare's
//! `.devflare/secrets.local.json`. Run `devflare-secrets --help`.

fn main() -> std::process::ExitCode {
    devflare_test::__cli::main()
}

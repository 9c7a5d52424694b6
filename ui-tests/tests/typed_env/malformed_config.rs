devflare_bindings::typed_env! {
    // A value of the wrong type, then a syntax error: each names its file, line and column.
    struct StatsEnv from "configs/malformed.toml";
    struct OtherEnv from "configs/malformed_syntax.jsonc";
}

fn main() {}

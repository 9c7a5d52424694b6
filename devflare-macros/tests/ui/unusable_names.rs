devflare_bindings::typed_env! {
    struct StatsEnv from "tests/ui/configs/unusable_names.toml";
}

fn main() {}

devflare_bindings::typed_env! {
    struct StatsEnv from "configs/unusable_names.toml";
}

fn main() {}

use devflare_test::secrets_env;

fn main() {
    let _env = secrets_env! { API_TOKEN => "a" GREETING => "b" };
}

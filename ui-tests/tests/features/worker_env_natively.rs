// A type that is not a Secrets Store env (here a stand-in for `worker::Env` in a native build,
// where devflare-bindings implements nothing for it): the error says where the impl lives.
use devflare_bindings::SecretsStoreEnv;

struct Env;

fn router(_env: impl SecretsStoreEnv) {}

fn main() {
    router(Env);
}

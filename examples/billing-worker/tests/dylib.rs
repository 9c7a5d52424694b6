//! This crate takes devflare-test as `devflare-test-dylib` (its `Cargo.toml`, as the README's
//! quick start recommends for a fast edit loop): the test binary must really load the shared
//! library, or the quick start's figures measure a setup that silently links statically.

#[test]
#[cfg(target_os = "linux")]
fn the_test_binary_loads_devflare_test_as_a_shared_library() {
    // Name something from devflare-test so the crate is linked at all.
    let env = devflare_test::secrets_env! {};
    drop(env);
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    assert!(
        maps.lines()
            .any(|line| line.contains("libdevflare_test_dylib")),
        "devflare-test is linked statically into this test binary"
    );
}

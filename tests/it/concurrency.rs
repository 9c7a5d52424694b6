//! Reads racing rotations: every read sees a whole old or a whole new value.

use std::collections::HashSet;
use std::sync::Arc;

use devflare_test::prelude::*;

/// Long values that differ in every byte, so a torn read could not pass for any of them.
fn generations() -> Vec<String> {
    ["a", "b", "c", "d"]
        .iter()
        .map(|c| c.repeat(4096))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_readers_see_whole_values_while_the_admin_rotates() {
    let values = generations();
    let env = secrets_env! { API_TOKEN => values[0].as_str() };
    let valid: Arc<HashSet<String>> = Arc::new(values.iter().cloned().collect());

    let rotator = {
        let admin = env.admin();
        let values = values.clone();
        tokio::spawn(async move {
            for round in 0..2_000 {
                admin
                    .rotate("API_TOKEN", values[round % values.len()].as_str())
                    .unwrap();
                tokio::task::yield_now().await;
            }
        })
    };

    let readers: Vec<_> = (0..1_000)
        .map(|_| {
            let env = env.clone();
            let valid = Arc::clone(&valid);
            tokio::spawn(async move {
                let binding = env.secret_store("API_TOKEN").unwrap();
                for _ in 0..20 {
                    let value = binding.get().await.unwrap().unwrap();
                    assert!(valid.contains(&value), "torn read of {} bytes", value.len());
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();

    for reader in readers {
        reader.await.unwrap(); // re-raises a reader's failed assertion
    }
    rotator.await.unwrap();
    assert_eq!(env.read_log().binding("API_TOKEN").unwrap().found, 20_000);
}

#[test]
fn os_threads_racing_rotations_see_whole_values() {
    let values = generations();
    let env = secrets_env! { API_TOKEN => values[0].as_str() };
    std::thread::scope(|scope| {
        let admin = env.admin();
        let rotating = &values;
        scope.spawn(move || {
            for round in 0..5_000 {
                admin
                    .rotate("API_TOKEN", rotating[round % rotating.len()].as_str())
                    .unwrap();
            }
        });
        for _ in 0..8 {
            let binding = env.secret_store("API_TOKEN").unwrap();
            let values = &values;
            scope.spawn(move || {
                for _ in 0..5_000 {
                    let value = block_on(binding.get()).unwrap().unwrap();
                    assert!(values.contains(&value), "torn read");
                }
            });
        }
    });
}

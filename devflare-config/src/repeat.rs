//! Finding the first name that repeats an earlier one — a duplicate key in an object, a
//! binding declared twice — in time linear in practice and without copying a name.
//!
//! A few names are compared pairwise. Many are checked by sorting `(hash, index)` pairs and
//! comparing neighbours. Measured on a 100k-key object against a `HashMap` of the names
//! (`cargo bench --bench parse -- wrangler_json_one_line_vars`): the map was most of the parse
//! time and grew faster than the input, each insert a cache miss once the table outgrew the
//! cache; the sort reads the names once, in file order, then works on 16-byte pairs only.

use std::hash::BuildHasher;

/// Below this many names, pairwise comparison beats hashing.
const SCAN_BELOW: usize = 16;

/// `(first, second)`: the indices of the repeated name whose second occurrence comes
/// earliest, and of that name's first occurrence. `name(i)` is the `i`-th of `count` names.
pub(crate) fn first_repeat<'n>(
    count: usize,
    name: impl Fn(usize) -> &'n str,
) -> Option<(usize, usize)> {
    if count < SCAN_BELOW {
        return (1..count).find_map(|second| {
            let first = (0..second).find(|&first| name(first) == name(second))?;
            Some((first, second))
        });
    }
    let hasher = foldhash::fast::RandomState::default();
    let mut hashed: Vec<(u64, usize)> = (0..count)
        .map(|at| (hasher.hash_one(name(at)), at))
        .collect();
    hashed.sort_unstable();
    let mut repeat: Option<(usize, usize)> = None;
    // Runs of one hash, each in index order; names within a run may still differ.
    for run in hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        for (later, &(_, second)) in run.iter().enumerate().skip(1) {
            if repeat.is_some_and(|(_, found)| found < second) {
                break;
            }
            let earlier = run[..later]
                .iter()
                .find(|(_, at)| name(*at) == name(second));
            if let Some(&(_, first)) = earlier {
                repeat = Some((first, second));
                break;
            }
        }
    }
    repeat
}

#[cfg(test)]
mod tests {
    use super::first_repeat;

    fn find(names: &[&str]) -> Option<(usize, usize)> {
        first_repeat(names.len(), |i| names[i])
    }

    #[test]
    fn the_earliest_second_occurrence_wins_and_names_its_first() {
        for n in [2, 15, 16, 17, 1000] {
            let owned: Vec<String> = (0..n).map(|i| format!("k{i}")).collect();
            let mut names: Vec<&str> = owned.iter().map(String::as_str).collect();
            assert_eq!(find(&names), None, "{n} distinct names");
            names[n - 1] = names[0];
            assert_eq!(find(&names), Some((0, n - 1)), "{n}");
        }
        let owned: Vec<String> = (0..50).map(|i| format!("k{i}")).collect();
        let mut names: Vec<&str> = owned.iter().map(String::as_str).collect();
        names[35] = names[2];
        names[30] = names[7];
        names[45] = names[7];
        assert_eq!(find(&names), Some((7, 30)));
    }
}

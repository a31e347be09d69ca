//! The crate graph, read from `cargo metadata`: dependencies point inward.
//!
//! `credence-ld` <- `credence-vc` <- `credence-core` <- the store and the artwork <- the use cases
//! (`credence-app`) <- the server <- the CLI; nothing but a dev-dependency names `credence-testkit`; and the engine crates do
//! not pull in the heavy parts (`credence-vc` builds without resvg, sqlx, tokio or axum;
//! `credence-ld` without ed25519).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Each workspace crate and the workspace crates it may depend on (normal and build
/// dependencies). The store and the server also use the engine crates' types directly (a status
/// purpose, a JSON canonicalization), which is inward too.
const ALLOWED: &[(&str, &[&str])] = &[
    ("xtask", &[]),
    ("credence-ld", &[]),
    ("credence-vc", &["credence-ld"]),
    ("credence-core", &["credence-ld", "credence-vc"]),
    ("credence-artwork", &["credence-core"]),
    (
        "credence-store",
        &["credence-core", "credence-vc", "credence-ld"],
    ),
    (
        "credence-app",
        &[
            "credence-core",
            "credence-vc",
            "credence-ld",
            "credence-store",
        ],
    ),
    (
        "credence-server",
        &[
            "credence-app",
            "credence-core",
            "credence-vc",
            "credence-ld",
            "credence-store",
            "credence-artwork",
        ],
    ),
    (
        "credence-cli",
        &[
            "credence-app",
            "credence-core",
            "credence-vc",
            "credence-ld",
            "credence-store",
            "credence-server",
        ],
    ),
];

/// Crates that must not appear among a library's normal dependencies, direct or not.
const KEPT_OUT: &[(&str, &[&str])] = &[
    ("credence-vc", &["resvg", "sqlx", "tokio", "axum"]),
    (
        "credence-ld",
        &["ed25519-dalek", "resvg", "sqlx", "tokio", "axum"],
    ),
    ("credence-core", &["resvg", "sqlx", "tokio", "axum"]),
];

const TESTKIT: &str = "credence-testkit";

/// The crates that may turn on `credence-core`'s `demo` feature (DOMAIN.md's sample data and the
/// signed fixture with its well-known key) outside dev-dependencies: the service for `--demo`,
/// the CLI for `credence sample` and `credence bench`, and the test kit. A library that used the
/// sample in its own code would have to turn it on here, and would fail this test (or, alone,
/// `cargo check -p` in CI).
const DEMO_USERS: &[&str] = &["credence-server", "credence-cli", TESTKIT];

/// The package ids of the workspace's crates.
fn members(meta: &Value) -> BTreeSet<&str> {
    meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect()
}

/// The workspace crates that turn on `credence-core/demo` through a normal dependency.
fn demo_users(meta: &Value) -> BTreeSet<String> {
    let members = members(meta);
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .filter(|p| {
            p["dependencies"].as_array().unwrap().iter().any(|d| {
                d["name"] == "credence-core"
                    && d["kind"].as_str() != Some("dev")
                    && d["features"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|f| f == "demo")
            })
        })
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The host's target triple, as `rustc -vV` names it.
fn host() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// `cargo metadata` for this machine's platform (so that it needs no other platform's crates).
fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", &host()])
        .current_dir(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The workspace's crates: name -> (workspace crates it depends on normally, workspace crates it
/// names only as dev-dependencies).
type Graph = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn workspace_graph(meta: &Value) -> Graph {
    let members = members(meta);
    let packages: Vec<&Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .collect();
    let names: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    packages
        .iter()
        .map(|p| {
            let (mut normal, mut dev) = (BTreeSet::new(), BTreeSet::new());
            for d in p["dependencies"].as_array().unwrap() {
                let name = d["name"].as_str().unwrap();
                if !names.contains(name) {
                    continue;
                }
                match d["kind"].as_str() {
                    Some("dev") => dev.insert(name.to_owned()),
                    _ => normal.insert(name.to_owned()),
                };
            }
            (p["name"].as_str().unwrap().to_owned(), (normal, dev))
        })
        .collect()
}

/// Every way the graph breaks the rules, one line each.
fn violations(graph: &Graph) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut found = Vec::new();
    for (name, (normal, _)) in graph {
        if name == TESTKIT {
            continue;
        }
        let Some(may) = allowed.get(name.as_str()) else {
            found.push(format!(
                "{name} is not in the architecture test's crate list"
            ));
            continue;
        };
        for dep in normal {
            if dep == TESTKIT {
                found.push(format!(
                    "{name} depends on {TESTKIT} outside dev-dependencies"
                ));
            } else if !may.contains(&dep.as_str()) {
                found.push(format!("{name} -> {dep} points outward"));
            }
        }
    }
    found
}

/// The normal dependencies of `root`, direct and transitive, by crate name.
fn normal_closure(meta: &Value, root: &str) -> BTreeSet<String> {
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let name_of: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let start = name_of
        .iter()
        .find(|(id, n)| {
            **n == root
                && meta["workspace_members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m == **id)
        })
        .map(|(id, _)| *id)
        .unwrap_or_else(|| panic!("{root} is not a workspace crate"));
    let mut seen = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        for d in nodes[id]["deps"].as_array().unwrap() {
            let normal = d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            let dep = d["pkg"].as_str().unwrap();
            if normal && seen.insert(dep) {
                todo.push(dep);
            }
        }
    }
    seen.iter().map(|id| name_of[id].to_owned()).collect()
}

#[test]
fn dependencies_point_inward() {
    let graph = workspace_graph(&metadata());
    assert!(graph.contains_key("credence-ld"), "{graph:?}");
    let found = violations(&graph);
    assert!(
        found.is_empty(),
        "the crate graph breaks the layout:\n{}",
        found.join("\n")
    );
}

#[test]
fn an_arrow_added_the_wrong_way_is_found() {
    let mut graph = workspace_graph(&metadata());
    let ld = graph.get_mut("credence-ld").unwrap();
    ld.0.insert("credence-core".into());
    let core = graph.get_mut("credence-core").unwrap();
    core.0.insert(TESTKIT.into());
    assert_eq!(
        violations(&graph),
        [
            "credence-core depends on credence-testkit outside dev-dependencies",
            "credence-ld -> credence-core points outward",
        ]
    );
}

#[test]
fn the_engine_crates_build_without_the_heavy_parts() {
    let meta = metadata();
    for (root, banned) in KEPT_OUT {
        let deps = normal_closure(&meta, root);
        assert!(deps.contains("serde_json"), "{root}: {deps:?}");
        let pulled: Vec<&&str> = banned.iter().filter(|b| deps.contains(**b)).collect();
        assert!(pulled.is_empty(), "{root} pulls in {pulled:?}");
    }
}

#[test]
fn only_the_demo_paths_and_the_test_kit_reach_the_sample_data() {
    let users = demo_users(&metadata());
    let allowed: BTreeSet<String> = DEMO_USERS.iter().map(|s| (*s).to_owned()).collect();
    assert!(
        users.is_subset(&allowed),
        "credence-core's demo feature (the sample data, the fixture key) is turned on by {:?}",
        users.difference(&allowed).collect::<Vec<_>>()
    );
    // The check sees what it is meant to see: the test kit turns it on.
    assert!(users.contains(TESTKIT), "{users:?}");
}

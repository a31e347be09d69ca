//! RDFC-1.0 (W3C RDF Dataset Canonicalization, SHA-256): canonical blank node labels and canonical N-Quads.
//!
//! The algorithm follows the W3C Recommendation step by step (first-degree hashes, unique-hash
//! issuance in hash order, Hash N-Degree Quads over permutations with the Hash Related Blank Node
//! algorithm), with a work bound so that crafted "poison" datasets fail with
//! [`CanonError::TooComplex`] instead of running for an unbounded time.
//!
//! Blank nodes are interned as small integers and hashes kept as raw 32-byte digests (their byte
//! order is the order of their lowercase hex form), so the common case allocates little.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::nquads::{write_quad_with, TermPosition};
use super::{Node, Object, Quad};

/// Bounds on the work canonicalization may do, against poison datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CanonLimits {
    /// Hash N-Degree Quads may run at most `n ^ max_work_factor` times, where `n` is the number of
    /// blank nodes whose first-degree hash is shared (rdf-canonize's `maxWorkFactor`; its default is 1).
    pub max_work_factor: u32,
    /// Absolute cap on Hash N-Degree Quads calls plus permutations examined.
    pub max_steps: u64,
}

impl Default for CanonLimits {
    /// `max_work_factor` 3 and `max_steps` 250,000 (a few tenths of a second at worst).
    fn default() -> Self {
        CanonLimits {
            max_work_factor: 3,
            max_steps: 250_000,
        }
    }
}

/// Which work bound a dataset exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ComplexityBound {
    /// The number of Hash N-Degree Quads calls (`n ^ max_work_factor`).
    DeepIterations,
    /// The absolute step cap ([`CanonLimits::max_steps`]).
    Steps,
}

impl std::fmt::Display for ComplexityBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ComplexityBound::DeepIterations => "Hash N-Degree Quads calls",
            ComplexityBound::Steps => "canonicalization steps",
        })
    }
}

/// Why a dataset could not be canonicalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonError {
    /// The dataset needs more work than the limits allow (likely a poison graph).
    #[error("dataset too complex to canonicalize: more than {limit} {bound}")]
    TooComplex {
        /// The bound that was hit.
        bound: ComplexityBound,
        /// Its value for this dataset.
        limit: u64,
    },
}

/// Canonical N-Quads of the dataset: relabel blank nodes c14n0…, serialize each quad, sort lines, concatenate.
///
/// The dataset is treated as a set: duplicate quads appear once. Uses [`CanonLimits::default`].
pub fn canonicalize(quads: &[Quad]) -> Result<String, CanonError> {
    canonicalize_with_limits(quads, &CanonLimits::default())
}

/// [`canonicalize`] with explicit work limits.
pub fn canonicalize_with_limits(
    quads: &[Quad],
    limits: &CanonLimits,
) -> Result<String, CanonError> {
    let state = Canonicalizer::new(quads, limits)?;
    Ok(state.serialize())
}

/// The same, also returning the issued identifier map (input label -> canonical label).
///
/// The map lists every blank node once, in canonical issuance order (`c14n0` first).
pub fn canonicalize_with_map(
    quads: &[Quad],
) -> Result<(String, Vec<(String, String)>), CanonError> {
    let state = Canonicalizer::new(quads, &CanonLimits::default())?;
    let map = state
        .canon
        .order
        .iter()
        .enumerate()
        .filter_map(|(k, &n)| {
            let label = state.labels.get(n as usize)?;
            let mut c = String::with_capacity(8);
            push_label(&mut c, CANON_PREFIX, k as u32);
            Some(((*label).to_owned(), c))
        })
        .collect();
    Ok((state.serialize(), map))
}

const CANON_PREFIX: &str = "c14n";
const TEMP_PREFIX: &str = "b";

/// Appends `prefix` and the decimal `k`.
fn push_label(out: &mut String, prefix: &str, k: u32) {
    out.push_str(prefix);
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut v = k;
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    for &d in digits.get(i..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// Lowercase hex of a digest, as the spec hashes and compares it.
fn hex32(h: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // Cannot fail: the output is exactly twice the input length.
    let _ = hex::encode_to_slice(h, &mut out);
    out
}

/// An identifier issuer over interned blank nodes: issues `prefix0`, `prefix1`, … in order.
#[derive(Clone)]
struct Issuer {
    /// Blank nodes in issuance order (the spec's "existing identifiers", ordered).
    order: Vec<u32>,
    /// Per blank node: issued number + 1, or 0 when none was issued.
    issued: Vec<u32>,
}

impl Issuer {
    fn new(nodes: usize) -> Self {
        Issuer {
            order: Vec::new(),
            issued: vec![0; nodes],
        }
    }

    fn get(&self, n: u32) -> Option<u32> {
        match self.issued.get(n as usize) {
            Some(&k) if k > 0 => Some(k - 1),
            _ => None,
        }
    }

    /// The Issue Identifier algorithm: the existing number, or the next one.
    fn issue(&mut self, n: u32) -> u32 {
        if let Some(k) = self.get(n) {
            return k;
        }
        let k = self.order.len() as u32;
        if let Some(slot) = self.issued.get_mut(n as usize) {
            *slot = k + 1;
            self.order.push(n);
        }
        k
    }
}

/// Work accounting for Hash N-Degree Quads.
struct Budget {
    deep_left: u64,
    deep_limit: u64,
    steps_left: u64,
    steps_limit: u64,
}

impl Budget {
    fn deep(&mut self) -> Result<(), CanonError> {
        if self.deep_left == 0 {
            return Err(CanonError::TooComplex {
                bound: ComplexityBound::DeepIterations,
                limit: self.deep_limit,
            });
        }
        self.deep_left -= 1;
        self.step()
    }

    fn step(&mut self) -> Result<(), CanonError> {
        if self.steps_left == 0 {
            return Err(CanonError::TooComplex {
                bound: ComplexityBound::Steps,
                limit: self.steps_limit,
            });
        }
        self.steps_left -= 1;
        Ok(())
    }
}

/// The interned dataset and the canonical issuer once canonicalization has run.
struct Canonicalizer<'a> {
    /// Distinct quads (duplicates of quads that mention blank nodes removed).
    quads: Vec<&'a Quad>,
    /// Per quad: the interned blank nodes at subject, object and graph.
    terms: Vec<[Option<u32>; 3]>,
    /// Per blank node: its input label.
    labels: Vec<&'a str>,
    /// Per blank node `n`: `node_quads[starts[n]..starts[n + 1]]` are the quads mentioning it.
    starts: Vec<usize>,
    node_quads: Vec<u32>,
    /// Per blank node: its first-degree hash.
    first: Vec<[u8; 32]>,
    canon: Issuer,
}

fn blank_label(node: &Node) -> Option<&str> {
    match node {
        Node::Blank(b) => Some(b),
        Node::Iri(_) => None,
    }
}

fn position_index(pos: TermPosition) -> usize {
    match pos {
        TermPosition::Subject => 0,
        TermPosition::Object => 1,
        TermPosition::Graph => 2,
    }
}

impl<'a> Canonicalizer<'a> {
    fn new(input: &'a [Quad], limits: &CanonLimits) -> Result<Self, CanonError> {
        let mut this = Self::intern(input);
        this.run(limits)?;
        Ok(this)
    }

    /// Steps 1-2: the blank node to quads map, over interned blank nodes.
    fn intern(input: &'a [Quad]) -> Self {
        // A dataset is a set: drop repeated quads that mention blank nodes (they would change
        // first-degree hashes); repeated ground quads are removed when the output is sorted.
        let mut blank_quads: Vec<&'a Quad> = Vec::new();
        let mut quads: Vec<&'a Quad> = Vec::with_capacity(input.len());
        for q in input {
            let has_blank = matches!(q.subject, Node::Blank(_))
                || matches!(q.object, Object::Node(Node::Blank(_)))
                || matches!(q.graph, Some(Node::Blank(_)));
            if has_blank {
                blank_quads.push(q);
            } else {
                quads.push(q);
            }
        }
        let before = blank_quads.len();
        let mut sorted = blank_quads.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != before {
            // Keep first occurrences, in input order (the order only matters for ties).
            let mut seen: HashSet<&Quad> = HashSet::with_capacity(before);
            blank_quads.retain(|q| seen.insert(*q));
        }
        // Blank-node quads first: their indices are what the per-node lists hold.
        let ground = std::mem::replace(&mut quads, blank_quads);
        let blank_count = quads.len();
        quads.extend(ground);

        // A linear scan beats hashing for the handful of blank nodes of a typical credential;
        // switch to a map once there are many.
        const SCAN_LIMIT: usize = 24;
        let mut ids: Option<HashMap<&'a str, u32>> = None;
        let mut labels: Vec<&'a str> = Vec::new();
        let mut terms: Vec<[Option<u32>; 3]> = Vec::with_capacity(blank_count);
        let mut intern = |label: Option<&'a str>| -> Option<u32> {
            let label = label?;
            if let Some(map) = ids.as_mut() {
                return Some(*map.entry(label).or_insert_with(|| {
                    labels.push(label);
                    (labels.len() - 1) as u32
                }));
            }
            if let Some(i) = labels.iter().position(|l| *l == label) {
                return Some(i as u32);
            }
            labels.push(label);
            if labels.len() > SCAN_LIMIT {
                ids = Some(
                    labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| (*l, i as u32))
                        .collect(),
                );
            }
            Some((labels.len() - 1) as u32)
        };
        for q in quads.iter().take(blank_count) {
            let s = intern(blank_label(&q.subject));
            let o = intern(match &q.object {
                Object::Node(n) => blank_label(n),
                Object::Literal(_) => None,
            });
            let g = intern(q.graph.as_ref().and_then(blank_label));
            terms.push([s, o, g]);
        }
        let nodes = labels.len();

        // Per-node quad lists, each quad once per node even if the node occurs twice in it.
        let mut counts = vec![0usize; nodes + 1];
        let each_node = |t: &[Option<u32>; 3], f: &mut dyn FnMut(u32)| {
            let [s, o, g] = *t;
            if let Some(s) = s {
                f(s);
            }
            if let Some(o) = o {
                if Some(o) != s {
                    f(o);
                }
            }
            if let Some(g) = g {
                if Some(g) != s && Some(g) != o {
                    f(g);
                }
            }
        };
        for t in &terms {
            each_node(t, &mut |n| {
                if let Some(c) = counts.get_mut(n as usize + 1) {
                    *c += 1;
                }
            });
        }
        for i in 1..counts.len() {
            let prev = counts.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = counts.get_mut(i) {
                *c += prev;
            }
        }
        let starts = counts.clone();
        let mut fill = counts;
        let mut node_quads = vec![0u32; starts.last().copied().unwrap_or(0)];
        for (qi, t) in terms.iter().enumerate() {
            each_node(t, &mut |n| {
                if let Some(pos) = fill.get_mut(n as usize) {
                    if let Some(slot) = node_quads.get_mut(*pos) {
                        *slot = qi as u32;
                    }
                    *pos += 1;
                }
            });
        }

        Canonicalizer {
            quads,
            terms,
            labels,
            starts,
            node_quads,
            first: Vec::new(),
            canon: Issuer::new(nodes),
        }
    }

    fn quads_of(&self, n: u32) -> &[u32] {
        let n = n as usize;
        match (self.starts.get(n), self.starts.get(n + 1)) {
            (Some(&a), Some(&b)) => self.node_quads.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Steps 3-6 of the canonicalization algorithm: fill the canonical issuer.
    fn run(&mut self, limits: &CanonLimits) -> Result<(), CanonError> {
        let nodes = self.labels.len();
        // Step 5.3: first-degree hashes (computed once: they never change, see the spec's note).
        let mut buf = String::new();
        let mut lines: Vec<(usize, usize)> = Vec::new();
        let mut first = Vec::with_capacity(nodes);
        for n in 0..nodes as u32 {
            first.push(self.hash_first_degree(n, &mut buf, &mut lines));
        }
        self.first = first;

        // Step 5.4: issue canonical identifiers for unique hashes, in hash order.
        let mut by_hash: Vec<([u8; 32], u32)> = self
            .first
            .iter()
            .enumerate()
            .map(|(n, h)| (*h, n as u32))
            .collect();
        by_hash.sort_unstable();
        let mut shared: Vec<&[([u8; 32], u32)]> = Vec::new();
        for group in by_hash.chunk_by(|a, b| a.0 == b.0) {
            match group {
                [(_, n)] => {
                    self.canon.issue(*n);
                }
                _ => shared.push(group),
            }
        }
        if shared.is_empty() {
            return Ok(());
        }

        let shared_count: u64 = shared.iter().map(|g| g.len() as u64).sum();
        let deep_limit = shared_count
            .checked_pow(limits.max_work_factor)
            .unwrap_or(u64::MAX);
        let mut budget = Budget {
            deep_left: deep_limit,
            deep_limit,
            steps_left: limits.max_steps,
            steps_limit: limits.max_steps,
        };

        // Step 6: Hash N-Degree Quads for each shared-hash group, in hash order.
        for group in shared {
            let mut paths: Vec<([u8; 32], Issuer)> = Vec::new();
            for &(_, n) in group {
                if self.canon.get(n).is_some() {
                    continue;
                }
                let mut temp = Issuer::new(nodes);
                temp.issue(n);
                paths.push(self.hash_n_degree(n, temp, &mut budget)?);
            }
            // Stable: equal hashes keep first-occurrence order, as rdf-canonize does.
            paths.sort_by_key(|p| p.0);
            for (_, issuer) in &paths {
                for &m in &issuer.order {
                    self.canon.issue(m);
                }
            }
        }
        Ok(())
    }

    /// Hash First Degree Quads: the node itself is `_:a`, every other blank node `_:z`.
    fn hash_first_degree(
        &self,
        n: u32,
        buf: &mut String,
        lines: &mut Vec<(usize, usize)>,
    ) -> [u8; 32] {
        buf.clear();
        lines.clear();
        for &qi in self.quads_of(n) {
            let (Some(quad), Some(terms)) =
                (self.quads.get(qi as usize), self.terms.get(qi as usize))
            else {
                continue;
            };
            let start = buf.len();
            write_quad_with(buf, quad, |out, pos, _| {
                let is_ref = terms.get(position_index(pos)).copied().flatten() == Some(n);
                out.push(if is_ref { 'a' } else { 'z' });
            });
            lines.push((start, buf.len()));
        }
        let text = buf.as_str();
        let line = |&(a, b): &(usize, usize)| text.get(a..b).unwrap_or_default();
        lines.sort_unstable_by(|x, y| line(x).cmp(line(y)));
        let mut md = Sha256::new();
        for l in lines.iter() {
            md.update(line(l).as_bytes());
        }
        md.finalize().into()
    }

    /// Hash Related Blank Node: position letter, `<predicate>` unless `g`, then the related
    /// node's canonical id, temporary id or first-degree hash.
    fn hash_related(&self, related: u32, quad: &Quad, issuer: &Issuer, position: u8) -> [u8; 32] {
        let mut md = Sha256::new();
        md.update([position]);
        if position != b'g' {
            md.update(b"<");
            md.update(quad.predicate.as_bytes());
            md.update(b">");
        }
        let mut id = String::new();
        if let Some(k) = self.canon.get(related) {
            id.push_str("_:");
            push_label(&mut id, CANON_PREFIX, k);
            md.update(id.as_bytes());
        } else if let Some(k) = issuer.get(related) {
            id.push_str("_:");
            push_label(&mut id, TEMP_PREFIX, k);
            md.update(id.as_bytes());
        } else if let Some(h) = self.first.get(related as usize) {
            md.update(hex32(h));
        }
        md.finalize().into()
    }

    /// Appends `_:` and the id for `related` (canonical if issued, else from `issuer`, issuing
    /// one if needed); returns whether `issuer` had to issue a new one.
    fn push_path_id(&self, path: &mut String, related: u32, issuer: &mut Issuer) -> bool {
        path.push_str("_:");
        if let Some(k) = self.canon.get(related) {
            push_label(path, CANON_PREFIX, k);
            return false;
        }
        let fresh = issuer.get(related).is_none();
        let k = issuer.issue(related);
        push_label(path, TEMP_PREFIX, k);
        fresh
    }

    /// Hash N-Degree Quads for `n`, with `issuer` the path identifier issuer (already holding `n`).
    fn hash_n_degree(
        &self,
        n: u32,
        mut issuer: Issuer,
        budget: &mut Budget,
    ) -> Result<([u8; 32], Issuer), CanonError> {
        budget.deep()?;
        // Steps 1-3: hash to related blank nodes, as (hash, node) pairs.
        let mut related: Vec<([u8; 32], u32)> = Vec::new();
        for &qi in self.quads_of(n) {
            let (Some(quad), Some(terms)) =
                (self.quads.get(qi as usize), self.terms.get(qi as usize))
            else {
                continue;
            };
            for (term, position) in terms.iter().zip([b's', b'o', b'g']) {
                if let Some(r) = *term {
                    if r != n {
                        related.push((self.hash_related(r, quad, &issuer, position), r));
                    }
                }
            }
        }
        related.sort_unstable();

        // Steps 4-5: for each related hash in order, the lexicographically least path.
        let mut md = Sha256::new();
        let mut path = String::new();
        let mut chosen_path = String::new();
        let mut recursion: Vec<u32> = Vec::new();
        for group in related.chunk_by(|a, b| a.0 == b.0) {
            let Some((hash, _)) = group.first() else {
                continue;
            };
            md.update(hex32(hash));
            // Sorted, so next_permutation enumerates each distinct ordering once.
            let mut perm: Vec<u32> = group.iter().map(|&(_, r)| r).collect();
            let mut chosen: Option<Issuer> = None;
            chosen_path.clear();
            loop {
                budget.step()?;
                let mut copy = issuer.clone();
                path.clear();
                recursion.clear();
                let mut skip = false;
                for &r in &perm {
                    if self.push_path_id(&mut path, r, &mut copy) {
                        recursion.push(r);
                    }
                    if chosen.is_some() && path.as_str() > chosen_path.as_str() {
                        skip = true;
                        break;
                    }
                }
                if !skip {
                    for &r in &recursion {
                        let (h, result_issuer) = self.hash_n_degree(r, copy, budget)?;
                        copy = result_issuer;
                        self.push_path_id(&mut path, r, &mut copy);
                        path.push('<');
                        path.extend(hex32(&h).iter().map(|&b| char::from(b)));
                        path.push('>');
                        if chosen.is_some() && path.as_str() > chosen_path.as_str() {
                            skip = true;
                            break;
                        }
                    }
                }
                if !skip && (chosen.is_none() || path.as_str() < chosen_path.as_str()) {
                    std::mem::swap(&mut path, &mut chosen_path);
                    chosen = Some(copy);
                }
                if !next_permutation(&mut perm) {
                    break;
                }
            }
            md.update(chosen_path.as_bytes());
            if let Some(c) = chosen {
                issuer = c;
            }
        }
        Ok((md.finalize().into(), issuer))
    }

    /// Step 7: every quad with canonical labels, lines sorted (code point order) and joined.
    fn serialize(mut self) -> String {
        let mut buf = String::with_capacity(self.quads.len() * 128);
        let mut lines: Vec<(usize, usize)> = Vec::with_capacity(self.quads.len());
        let mut canon = std::mem::replace(&mut self.canon, Issuer::new(0));
        for (qi, quad) in self.quads.iter().enumerate() {
            let terms = self.terms.get(qi).copied().unwrap_or([None; 3]);
            let start = buf.len();
            write_quad_with(&mut buf, quad, |out, pos, label| {
                match terms.get(position_index(pos)).copied().flatten() {
                    Some(n) => push_label(out, CANON_PREFIX, canon.issue(n)),
                    // Unreachable (all blank-node quads are interned); keep the label.
                    None => out.push_str(label),
                }
            });
            lines.push((start, buf.len()));
        }
        self.canon = canon;
        let text = buf.as_str();
        let line = |&(a, b): &(usize, usize)| text.get(a..b).unwrap_or_default();
        lines.sort_unstable_by(|x, y| line(x).cmp(line(y)));
        lines.dedup_by(|x, y| line(x) == line(y));
        let mut out = String::with_capacity(buf.len());
        for l in &lines {
            out.push_str(line(l));
        }
        out
    }
}

/// Rearranges `v` into the next lexicographic permutation; false (and sorted) after the last.
fn next_permutation(v: &mut [u32]) -> bool {
    let len = v.len();
    if len < 2 {
        return false;
    }
    let mut i = len - 1;
    while i > 0 && v.get(i - 1) >= v.get(i) {
        i -= 1;
    }
    if i == 0 {
        v.reverse();
        return false;
    }
    let pivot = v.get(i - 1).copied();
    let mut j = len - 1;
    while v.get(j).copied() <= pivot {
        j -= 1;
    }
    v.swap(i - 1, j);
    if let Some(tail) = v.get_mut(i..) {
        tail.reverse();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdf::nquads::{parse_nquads, write_quad};
    use proptest::prelude::*;
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;

    const W3C: &str = "../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022";

    fn parse(text: &str) -> Vec<Quad> {
        parse_nquads(text).unwrap()
    }

    fn map_node(n: &Node, f: &dyn Fn(&str) -> String) -> Node {
        match n {
            Node::Blank(b) => Node::Blank(f(b)),
            other => other.clone(),
        }
    }

    /// Renames every blank node label through `f`.
    fn relabel(quads: &[Quad], f: &dyn Fn(&str) -> String) -> Vec<Quad> {
        quads
            .iter()
            .map(|q| Quad {
                subject: map_node(&q.subject, f),
                predicate: q.predicate.clone(),
                object: match &q.object {
                    Object::Node(n) => Object::Node(map_node(n, f)),
                    lit => lit.clone(),
                },
                graph: q.graph.as_ref().map(|g| map_node(g, f)),
            })
            .collect()
    }

    fn shuffled(quads: &[Quad], seed: u64) -> Vec<Quad> {
        let mut v = quads.to_vec();
        v.shuffle(&mut StdRng::seed_from_u64(seed));
        v
    }

    /// Sorted canonical N-Quads of `quads` relabelled through an expected identifier map.
    fn expected_from_map(
        quads: &[Quad],
        map: &serde_json::Map<String, serde_json::Value>,
    ) -> String {
        let relabelled = relabel(quads, &|l| map[l].as_str().unwrap().to_owned());
        let mut lines: Vec<String> = relabelled
            .iter()
            .map(|q| {
                let mut s = String::new();
                write_quad(&mut s, q);
                s
            })
            .collect();
        lines.sort();
        lines.dedup();
        lines.concat()
    }

    fn json_map(text: &str) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(text).unwrap()
    }

    fn sha256_hex(s: &str) -> String {
        hex::encode(Sha256::digest(s.as_bytes()))
    }

    /// Canonicalizing the shuffled, relabelled canonical form gives back the file byte for byte.
    fn check_roundtrip(expected: &str) {
        let quads = parse(expected);
        assert!(!quads.is_empty());
        for seed in 0..8u64 {
            let renamed = relabel(&quads, &|l| {
                format!(
                    "x{}y{seed}",
                    l.len() * 7 + l.as_bytes()[l.len() - 1] as usize
                )
            });
            let input = shuffled(&renamed, seed);
            assert_eq!(canonicalize(&input).unwrap(), expected, "seed {seed}");
        }
    }

    #[test]
    fn w3c_eddsa_rdfc_2022_canonical_forms_and_hashes() {
        let doc =
            include_str!("../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt");
        let proof = include_str!(
            "../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt"
        );
        check_roundtrip(doc);
        check_roundtrip(proof);
        let doc_hash =
            include_str!("../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/docHashDataInt.txt");
        let proof_hash = include_str!(
            "../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofHashDataInt.txt"
        );
        assert_eq!(
            sha256_hex(&canonicalize(&parse(doc)).unwrap()),
            doc_hash.trim()
        );
        assert_eq!(
            sha256_hex(&canonicalize(&shuffled(&parse(proof), 3)).unwrap()),
            proof_hash.trim()
        );
        let _ = W3C;
    }

    #[test]
    fn obv3_vector_canonical_forms_and_hashes() {
        let doc = include_str!("../../tests/vectors/obv3-eddsa-rdfc-2022/document-canon.nq");
        let proof = include_str!("../../tests/vectors/obv3-eddsa-rdfc-2022/proof-canon.nq");
        check_roundtrip(doc);
        check_roundtrip(proof);
        let vector: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json"
        ))
        .unwrap();
        let doc_input = shuffled(&relabel(&parse(doc), &|l| format!("b{}", l.len())), 11);
        assert_eq!(
            sha256_hex(&canonicalize(&doc_input).unwrap()),
            vector["documentHashHex"].as_str().unwrap()
        );
        let proof_input = shuffled(&relabel(&parse(proof), &|_| "b0".to_owned()), 5);
        assert_eq!(
            sha256_hex(&canonicalize(&proof_input).unwrap()),
            vector["proofHashHex"].as_str().unwrap()
        );
    }

    /// Checks canonical output and issued map against an expected map (W3C rdfc10map test).
    /// With `exact_map` false only the output is compared: nodes that are automorphic get their
    /// labels in input order, and the original input order of some cases is not known.
    fn check_map_case(input: &[Quad], map_text: &str, limits: &CanonLimits, exact_map: bool) {
        let map = json_map(map_text);
        let expected = expected_from_map(input, &map);
        let state = Canonicalizer::new(input, limits).unwrap();
        let issued: Vec<(String, String)> = state
            .canon
            .order
            .iter()
            .enumerate()
            .map(|(k, &n)| (state.labels[n as usize].to_owned(), format!("c14n{k}")))
            .collect();
        assert_eq!(state.serialize(), expected);
        assert_eq!(issued.len(), map.len());
        if !exact_map {
            let ours: serde_json::Map<String, serde_json::Value> = issued
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            assert_eq!(expected_from_map(input, &ours), expected);
            return;
        }
        for (from, to) in &issued {
            assert_eq!(map[from].as_str(), Some(to.as_str()), "label {from}");
        }
    }

    #[test]
    fn rdfc10_t_graph_test054() {
        let input = parse(include_str!("../../tests/vectors/rdfc10/test054-in.nq"));
        check_map_case(
            &input,
            include_str!("../../tests/vectors/rdfc10/test054-rdfc10map.json"),
            &CanonLimits::default(),
            true,
        );
        let (out, map) = canonicalize_with_map(&shuffled(&input, 9)).unwrap();
        assert_eq!(map.len(), 16);
        assert_eq!(out, canonicalize(&input).unwrap());
    }

    #[test]
    fn rdfc10_blank_graph_names_test058() {
        let input = parse(include_str!("../../tests/vectors/rdfc10/test058-in.nq"));
        check_map_case(
            &input,
            include_str!("../../tests/vectors/rdfc10/test058-rdfc10map.json"),
            &CanonLimits::default(),
            true,
        );
    }

    #[test]
    fn rdfc10_poison_evil_test044() {
        // test075 is the same dataset hashed with SHA-384: map its output back to the input labels.
        let sha384_out = parse(include_str!("../../tests/vectors/rdfc10/test075-rdfc10.nq"));
        let back: HashMap<String, String> = json_map(include_str!(
            "../../tests/vectors/rdfc10/test075-rdfc10map.json"
        ))
        .into_iter()
        .map(|(k, v)| (v.as_str().unwrap().to_owned(), k))
        .collect();
        let input = relabel(&sha384_out, &|l| back[l].clone());
        let map_text = include_str!("../../tests/vectors/rdfc10/test044-rdfc10map.json");
        check_map_case(&input, map_text, &CanonLimits::default(), false);
        // Under rdf-canonize's default work factor (1) this poison graph is refused.
        let strict = CanonLimits {
            max_work_factor: 1,
            ..CanonLimits::default()
        };
        assert!(matches!(
            canonicalize_with_limits(&input, &strict),
            Err(CanonError::TooComplex {
                bound: ComplexityBound::DeepIterations,
                limit: 12
            })
        ));
    }

    fn check_spec_log(input_text: &str, map_text: &str, hashes_text: &str) {
        let input = parse(input_text);
        check_map_case(&input, map_text, &CanonLimits::default(), true);
        let hashes: serde_json::Value = serde_json::from_str(hashes_text).unwrap();
        let mut state = Canonicalizer::intern(&input);
        let mut buf = String::new();
        let mut lines = Vec::new();
        state.first = (0..state.labels.len() as u32)
            .map(|n| state.hash_first_degree(n, &mut buf, &mut lines))
            .collect();
        let node = |label: &str| state.labels.iter().position(|l| *l == label).unwrap() as u32;
        for (label, h) in hashes["firstDegree"].as_object().unwrap() {
            assert_eq!(
                hex::encode(state.first[node(label) as usize]),
                h.as_str().unwrap(),
                "h1dq {label}"
            );
        }
        for (label, h) in hashes["nDegree"].as_object().unwrap() {
            let mut budget = Budget {
                deep_left: 100,
                deep_limit: 100,
                steps_left: 1000,
                steps_limit: 1000,
            };
            let mut issuer = Issuer::new(state.labels.len());
            issuer.issue(node(label));
            let (got, _) = state
                .hash_n_degree(node(label), issuer, &mut budget)
                .unwrap();
            assert_eq!(hex::encode(got), h.as_str().unwrap(), "hndq {label}");
        }
    }

    #[test]
    fn spec_duplicate_paths_example() {
        check_spec_log(
            include_str!("../../tests/vectors/rdfc10/duplicate-paths-in.nq"),
            include_str!("../../tests/vectors/rdfc10/duplicate-paths-map.json"),
            include_str!("../../tests/vectors/rdfc10/duplicate-paths-hashes.json"),
        );
    }

    #[test]
    fn spec_double_circle_example() {
        check_spec_log(
            include_str!("../../tests/vectors/rdfc10/double-circle-in.nq"),
            include_str!("../../tests/vectors/rdfc10/double-circle-map.json"),
            include_str!("../../tests/vectors/rdfc10/double-circle-hashes.json"),
        );
    }

    #[test]
    fn blank_node_cycle_is_label_independent() {
        let a = canonicalize(&parse("_:a <urn:p> _:b .\n_:b <urn:p> _:a .\n")).unwrap();
        let b = canonicalize(&parse("_:y <urn:p> _:x .\n_:x <urn:p> _:y .\n")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "_:c14n0 <urn:p> _:c14n1 .\n_:c14n1 <urn:p> _:c14n0 .\n");
        // Two disjoint 3-cycles distinguished only by a literal further along.
        let text = "_:a <urn:p> _:b .\n_:b <urn:p> _:c .\n_:c <urn:p> _:a .\n_:a <urn:q> \"1\" .\n\
                    _:d <urn:p> _:e .\n_:e <urn:p> _:f .\n_:f <urn:p> _:d .\n_:e <urn:q> \"1\" .\n";
        let quads = parse(text);
        let reference = canonicalize(&quads).unwrap();
        for seed in 0..10 {
            let renamed = relabel(&quads, &|l| {
                format!("n{}", (l.as_bytes()[0] as u64 * 31 + seed) % 97)
            });
            assert_eq!(canonicalize(&shuffled(&renamed, seed)).unwrap(), reference);
        }
        assert_eq!(reference.lines().count(), 8);
    }

    #[test]
    fn many_blank_nodes_use_the_map_interner_consistently() {
        // A 40-node chain with a literal at one end: more labels than the linear-scan limit.
        let mut text = String::from("_:n0 <urn:v> \"end\" .\n");
        for i in 0..39 {
            text.push_str(&format!("_:n{i} <urn:next> _:n{} .\n", i + 1));
        }
        let quads = parse(&text);
        let reference = canonicalize(&quads).unwrap();
        let renamed = relabel(&quads, &|l| {
            format!("q{}", 1000 - l[1..].parse::<u32>().unwrap())
        });
        assert_eq!(canonicalize(&shuffled(&renamed, 1)).unwrap(), reference);
        let (_, map) = canonicalize_with_map(&quads).unwrap();
        assert_eq!(map.len(), 40);
        assert!(reference.contains("_:c14n39 "));
    }

    #[test]
    fn duplicate_quads_are_removed() {
        let once =
            canonicalize(&parse("_:a <urn:p> \"x\" .\n<urn:s> <urn:p> <urn:o> .\n")).unwrap();
        let twice = canonicalize(&parse(
            "_:a <urn:p> \"x\" .\n<urn:s> <urn:p> <urn:o> .\n_:a <urn:p> \"x\" .\n<urn:s> <urn:p> <urn:o> .\n",
        ))
        .unwrap();
        assert_eq!(once, twice);
        assert_eq!(once, "<urn:s> <urn:p> <urn:o> .\n_:c14n0 <urn:p> \"x\" .\n");
    }

    #[test]
    fn map_lists_every_blank_node_in_issue_order() {
        let (out, map) =
            canonicalize_with_map(&parse("_:q <urn:p> \"1\" .\n_:r <urn:p> _:q <urn:g> .\n"))
                .unwrap();
        assert_eq!(map.len(), 2);
        for (i, (_, c)) in map.iter().enumerate() {
            assert_eq!(c, &format!("c14n{i}"));
        }
        for (from, to) in &map {
            assert!(["q", "r"].contains(&from.as_str()));
            assert!(out.contains(&format!("_:{to}")));
        }
    }

    /// A 10-node blank clique (W3C test074, "poison – Clique Graph"): must fail fast.
    #[test]
    fn poison_clique_is_refused() {
        let mut text = String::new();
        for s in 0..10 {
            for o in 0..10 {
                if s != o {
                    text.push_str(&format!("_:s{s} <urn:p> _:s{o} .\n"));
                }
            }
        }
        let quads = parse(&text);
        let start = std::time::Instant::now();
        let err = canonicalize(&quads).unwrap_err();
        assert!(matches!(err, CanonError::TooComplex { .. }), "{err}");
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
        // Even with no per-node bound the absolute step cap stops it.
        let loose = CanonLimits {
            max_work_factor: 50,
            max_steps: 20_000,
        };
        assert!(matches!(
            canonicalize_with_limits(&quads, &loose),
            Err(CanonError::TooComplex {
                bound: ComplexityBound::Steps,
                limit: 20_000
            })
        ));
    }

    #[test]
    fn next_permutation_enumerates_distinct_orderings() {
        let mut v = vec![1, 1, 2, 3];
        let mut n = 1;
        while next_permutation(&mut v) {
            n += 1;
        }
        assert_eq!(n, 12);
        assert_eq!(v, vec![1, 1, 2, 3]);
        let mut label = String::new();
        push_label(&mut label, CANON_PREFIX, 0);
        push_label(&mut label, TEMP_PREFIX, 4_294_967_295);
        assert_eq!(label, "c14n0b4294967295");
    }

    fn arb_dataset() -> impl Strategy<Value = Vec<Quad>> {
        let node = prop_oneof![
            (0u8..6).prop_map(|i| Node::Blank(format!("b{i}"))),
            (0u8..3).prop_map(|i| Node::Iri(format!("urn:x:{i}"))),
        ];
        let object = prop_oneof![
            node.clone().prop_map(Object::Node),
            "[a-c]{0,2}".prop_map(|v| Object::Literal(crate::rdf::Literal {
                value: v,
                datatype: crate::rdf::XSD_STRING.to_owned(),
                language: None
            })),
        ];
        let graph = prop_oneof![Just(None), node.clone().prop_map(Some)];
        let quad = (node, 0u8..2, object, graph).prop_map(|(subject, p, object, graph)| Quad {
            subject,
            predicate: format!("urn:p:{p}"),
            object,
            graph,
        });
        proptest::collection::vec(quad, 0..14)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn invariant_under_relabelling_and_shuffling(quads in arb_dataset(), seed in any::<u64>(), salt in 0u32..1000) {
            let loose = CanonLimits { max_work_factor: 6, max_steps: 5_000_000 };
            let reference = canonicalize_with_limits(&quads, &loose).unwrap();
            let renamed = relabel(&quads, &|l| format!("z{}_{}", salt, l.chars().rev().collect::<String>()));
            let again = canonicalize_with_limits(&shuffled(&renamed, seed), &loose).unwrap();
            prop_assert_eq!(&reference, &again);
            // The output is itself canonical: a fixpoint, with no input label left.
            prop_assert_eq!(canonicalize_with_limits(&parse(&reference), &loose).unwrap(), reference.clone());
            prop_assert!(!reference.contains("_:b") && !reference.contains("_:z"));
        }
    }
}

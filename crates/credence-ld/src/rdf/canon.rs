//! RDFC-1.0 (W3C RDF Dataset Canonicalization): canonical blank node labels and canonical N-Quads.
//!
//! The algorithm follows the W3C Recommendation step by step (first-degree hashes, unique-hash
//! issuance in hash order, Hash N-Degree Quads over permutations with the Hash Related Blank Node
//! algorithm), SHA-256 by default or SHA-384, under a [`Budget`]: limits on blank nodes, quads,
//! bytes hashed and Hash N-Degree Quads work, so that crafted "poison" datasets fail fast with
//! [`CanonError::TooComplex`], and a cancel flag that stops a run with [`CanonError::Cancelled`].
//!
//! Hash N-Degree Quads runs on an explicit stack of frames (no native recursion, however long a
//! chain of blank nodes is). Its path identifier issuers are one undo log: a permutation's
//! "issuer copy" is the log's length when it starts, undone by truncation, and a kept result is
//! only the list of nodes it issued. So memory grows with the work done, never with the number of
//! blank nodes times the number of paths.
//!
//! Blank nodes are interned as small integers and hashes kept as raw digests (their byte order is
//! the order of their lowercase hex form), so the common case allocates little.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256, Sha384};

use super::nquads::{write_quad_with, TermPosition};
use super::{Node, Object, Quad};
use crate::budget::{check_cancel, check_count, Budget, ComplexityBound, Meter, Stop, CHECK_EVERY};

/// Why a dataset could not be canonicalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonError {
    /// The dataset needs more than the [`Budget`]'s limits allow (likely a poison graph).
    #[error("dataset too complex to canonicalize: more than {limit} {bound}")]
    TooComplex {
        /// The limit that was hit.
        bound: ComplexityBound,
        /// Its value for this run.
        limit: u64,
    },
    /// The caller cancelled the run through the [`Budget`]'s flag.
    #[error("canonicalization cancelled")]
    Cancelled,
}

impl From<Stop> for CanonError {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::TooComplex { bound, limit } => Self::TooComplex { bound, limit },
            Stop::Cancelled => Self::Cancelled,
        }
    }
}

/// The hash function of a run (RDFC-1.0 names SHA-256 as the default; SHA-384 is the other
/// one its test suite uses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-256 (what `eddsa-rdfc-2022` uses).
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

/// The output of [`canonicalize_dataset`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonicalized {
    /// The canonical N-Quads document.
    pub nquads: String,
    /// The issued identifiers map (input label -> canonical label), every blank node once, in
    /// issuance order (`c14n0` first).
    pub issued: Vec<(String, String)>,
}

/// Canonical N-Quads of the dataset: relabel blank nodes c14n0…, serialize each quad, sort lines,
/// concatenate.
///
/// The dataset is treated as a set: duplicate quads appear once. SHA-256, [`Budget::default`].
pub fn canonicalize(quads: &[Quad]) -> Result<String, CanonError> {
    canonicalize_with(quads, &Budget::default())
}

/// [`canonicalize`] under the given budget (limits and cancel flag).
pub fn canonicalize_with(quads: &[Quad], budget: &Budget) -> Result<String, CanonError> {
    Ok(Canonicalizer::<S256>::new(quads, budget)?.serialize())
}

/// [`canonicalize`], also returning the issued identifier map (input label -> canonical label).
///
/// The map lists every blank node once, in canonical issuance order (`c14n0` first).
pub fn canonicalize_with_map(
    quads: &[Quad],
) -> Result<(String, Vec<(String, String)>), CanonError> {
    let out = canonicalize_dataset(quads, HashAlgorithm::Sha256, &Budget::default())?;
    Ok((out.nquads, out.issued))
}

/// The full RDFC-1.0 run: canonical N-Quads and the issued identifiers map, with a chosen hash
/// function, under the given budget.
pub fn canonicalize_dataset(
    quads: &[Quad],
    algorithm: HashAlgorithm,
    budget: &Budget,
) -> Result<Canonicalized, CanonError> {
    match algorithm {
        HashAlgorithm::Sha256 => {
            Canonicalizer::<S256>::new(quads, budget).map(Canonicalizer::finish)
        }
        HashAlgorithm::Sha384 => {
            Canonicalizer::<S384>::new(quads, budget).map(Canonicalizer::finish)
        }
    }
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

/// A hash function as RDFC-1.0 uses it: raw digests compare in the order of their hex form.
trait Algorithm {
    type Digest: Copy + Ord + AsRef<[u8]>;
    type State;
    fn start() -> Self::State;
    fn update(state: &mut Self::State, bytes: &[u8]);
    fn finish(state: Self::State) -> Self::Digest;
}

/// SHA-256.
struct S256;

impl Algorithm for S256 {
    type Digest = [u8; 32];
    type State = Sha256;
    fn start() -> Sha256 {
        Sha256::new()
    }
    fn update(state: &mut Sha256, bytes: &[u8]) {
        Digest::update(state, bytes);
    }
    fn finish(state: Sha256) -> [u8; 32] {
        state.finalize().into()
    }
}

/// SHA-384.
struct S384;

impl Algorithm for S384 {
    type Digest = [u8; 48];
    type State = Sha384;
    fn start() -> Sha384 {
        Sha384::new()
    }
    fn update(state: &mut Sha384, bytes: &[u8]) {
        Digest::update(state, bytes);
    }
    fn finish(state: Sha384) -> [u8; 48] {
        let mut out = [0u8; 48];
        for (o, b) in out.iter_mut().zip(state.finalize()) {
            *o = b;
        }
        out
    }
}

/// Lowercase hex of a digest (at most 48 bytes), as the spec hashes and compares it.
fn hex_of<'b>(digest: &[u8], buf: &'b mut [u8; 96]) -> &'b [u8] {
    let out = buf.get_mut(..digest.len() * 2).unwrap_or_default();
    // Cannot fail: the output is exactly twice the input length.
    let _ = hex::encode_to_slice(digest, &mut *out);
    out
}

/// An identifier issuer over interned blank nodes: issues `prefix0`, `prefix1`, … in order.
///
/// `order` is what it issued; `slot` is a lookup index over all blank nodes (allocated once per
/// run, never copied). As the path issuer of Hash N-Degree Quads it is an undo log: truncating
/// `order` back to a length restores the issuer as it was at that length.
struct Issuer {
    /// Blank nodes in issuance order (the spec's "existing identifiers", ordered).
    order: Vec<u32>,
    /// Per blank node: issued number + 1, or 0 when none was issued.
    slot: Vec<u32>,
}

impl Issuer {
    fn new(nodes: usize) -> Self {
        Issuer {
            order: Vec::new(),
            slot: vec![0; nodes],
        }
    }

    fn get(&self, n: u32) -> Option<u32> {
        match self.slot.get(n as usize) {
            Some(&k) if k > 0 => Some(k - 1),
            _ => None,
        }
    }

    /// The Issue Identifier algorithm: the existing number, or the next one (then `true`).
    fn issue(&mut self, n: u32) -> (u32, bool) {
        if let Some(k) = self.get(n) {
            return (k, false);
        }
        let k = self.order.len() as u32;
        if let Some(slot) = self.slot.get_mut(n as usize) {
            *slot = k + 1;
            self.order.push(n);
        }
        (k, true)
    }

    /// Forgets everything issued after the first `len` identifiers.
    fn truncate(&mut self, len: usize) {
        while self.order.len() > len {
            if let Some(n) = self.order.pop() {
                if let Some(slot) = self.slot.get_mut(n as usize) {
                    *slot = 0;
                }
            }
        }
    }
}

/// Work accounting of one run.
struct Work<'b> {
    /// Bytes fed to the hash function.
    bytes: Meter<'b>,
    /// Hash N-Degree Quads work units.
    steps: Meter<'b>,
    /// Hash N-Degree Quads calls.
    calls: Meter<'b>,
}

impl Work<'_> {
    fn hash<A: Algorithm>(&self, state: &mut A::State, bytes: &[u8]) -> Result<(), CanonError> {
        self.bytes.charge(bytes.len() as u64)?;
        A::update(state, bytes);
        Ok(())
    }

    #[inline]
    fn step(&self) -> Result<(), CanonError> {
        Ok(self.steps.charge(1)?)
    }
}

/// Incremental comparison of a growing path with the chosen path: each byte is looked at once.
#[derive(Default)]
struct PathCmp {
    /// Bytes known equal so far.
    pos: usize,
    /// The order, once a byte differs or the path outgrew the chosen one.
    ord: Option<Ordering>,
}

impl PathCmp {
    /// Takes account of what was appended to `path` since the last call.
    fn update(&mut self, path: &str, chosen: &str) {
        if self.ord.is_some() {
            return;
        }
        let (p, c) = (path.as_bytes(), chosen.as_bytes());
        let end = p.len().min(c.len());
        if let (Some(ps), Some(cs)) = (p.get(self.pos..end), c.get(self.pos..end)) {
            if let Some((a, b)) = ps.iter().zip(cs).find(|(a, b)| a != b) {
                self.ord = Some(a.cmp(b));
                return;
            }
        }
        self.pos = self.pos.max(end);
        if p.len() > c.len() {
            self.ord = Some(Ordering::Greater);
        }
    }

    /// Whether the path is already greater than the chosen path (whatever is appended later).
    fn greater(&self) -> bool {
        self.ord == Some(Ordering::Greater)
    }

    /// Whether the finished path is less than the chosen path.
    fn less(&self, path_len: usize, chosen_len: usize) -> bool {
        match self.ord {
            Some(o) => o == Ordering::Less,
            None => path_len < chosen_len,
        }
    }
}

/// Where a Hash N-Degree Quads frame is in its steps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Step 5: start the next related-hash group, or finish.
    Group,
    /// Step 5.4: start the current permutation (steps 5.4.1 to 5.4.4).
    Perm,
    /// Step 5.4.5: recurse into the next node of the recursion list, or close the permutation.
    Recurse,
    /// Step 5.4: the next permutation, or close the group (steps 5.5, 5.6).
    Next,
}

/// One Hash N-Degree Quads call on the explicit stack.
struct Frame<A: Algorithm> {
    /// Steps 1-3: (related hash, related node), sorted.
    related: Vec<(A::Digest, u32)>,
    /// Where the next group starts in `related`.
    next_group: usize,
    /// The running hash of step 4's data to hash.
    md: A::State,
    phase: Phase,
    /// Length of the path issuer when the group started: the spec's `issuer` for this group.
    base: usize,
    /// The current permutation of the group's nodes.
    perm: Vec<u32>,
    /// Whether a permutation was chosen for this group.
    chosen: bool,
    /// Whether the path issuer is now exactly the chosen permutation's issuer.
    chosen_current: bool,
    chosen_path: String,
    /// What the chosen permutation's issuer issued after `base`.
    chosen_delta: Vec<u32>,
    path: String,
    cmp: PathCmp,
    recursion: Vec<u32>,
    /// How many of `recursion` have been recursed into.
    rec_next: usize,
}

impl<A: Algorithm> Frame<A> {
    fn new() -> Self {
        Self {
            related: Vec::new(),
            next_group: 0,
            md: A::start(),
            phase: Phase::Group,
            base: 0,
            perm: Vec::new(),
            chosen: false,
            chosen_current: false,
            chosen_path: String::new(),
            chosen_delta: Vec::new(),
            path: String::new(),
            cmp: PathCmp::default(),
            recursion: Vec::new(),
            rec_next: 0,
        }
    }
}

/// The explicit stack of Hash N-Degree Quads, with finished frames kept for reuse, shared by the
/// calls of one run so that they allocate only when the stack grows deeper than before.
struct Frames<A: Algorithm> {
    stack: Vec<Frame<A>>,
    pool: Vec<Frame<A>>,
    /// Scratch for identifiers being hashed.
    id: String,
}

impl<A: Algorithm> Frames<A> {
    fn new() -> Self {
        Self {
            stack: Vec::new(),
            pool: Vec::new(),
            id: String::new(),
        }
    }
}

/// What a frame needs next.
enum Next<D> {
    /// Hash N-Degree Quads of this node, with the path issuer as it is.
    Call(u32),
    /// The frame is done: its hash.
    Done(D),
}

/// The interned dataset and the canonical issuer once canonicalization has run.
struct Canonicalizer<'a, A: Algorithm> {
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
    first: Vec<A::Digest>,
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

/// Looks at the cancel flag every [`CHECK_EVERY`] items of a linear pass.
fn tick(i: usize, budget: &Budget) -> Result<(), CanonError> {
    if (i as u64) % CHECK_EVERY == CHECK_EVERY - 1 {
        check_cancel(&budget.cancel)?;
    }
    Ok(())
}

impl<'a, A: Algorithm> Canonicalizer<'a, A> {
    fn new(input: &'a [Quad], budget: &Budget) -> Result<Self, CanonError> {
        check_cancel(&budget.cancel)?;
        let mut this = Self::intern(input, budget)?;
        this.run(budget)?;
        Ok(this)
    }

    /// Steps 1-2: the blank node to quads map, over interned blank nodes.
    fn intern(input: &'a [Quad], budget: &Budget) -> Result<Self, CanonError> {
        let limits = &budget.limits;
        check_count(input.len() as u64, limits.max_quads, ComplexityBound::Quads)?;
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
        drop(sorted);
        check_cancel(&budget.cancel)?;
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
        for (i, q) in quads.iter().take(blank_count).enumerate() {
            let s = intern(blank_label(&q.subject));
            let o = intern(match &q.object {
                Object::Node(n) => blank_label(n),
                Object::Literal(_) => None,
            });
            let g = intern(q.graph.as_ref().and_then(blank_label));
            terms.push([s, o, g]);
            tick(i, budget)?;
        }
        let nodes = labels.len();
        check_count(
            nodes as u64,
            limits.max_blank_nodes,
            ComplexityBound::BlankNodes,
        )?;

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

        Ok(Canonicalizer {
            quads,
            terms,
            labels,
            starts,
            node_quads,
            first: Vec::new(),
            canon: Issuer::new(nodes),
        })
    }

    fn quads_of(&self, n: u32) -> &[u32] {
        let n = n as usize;
        match (self.starts.get(n), self.starts.get(n + 1)) {
            (Some(&a), Some(&b)) => self.node_quads.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The work meters of a run over `shared` blank nodes with non-unique first-degree hashes.
    fn work(budget: &Budget, shared: u64) -> Result<Work<'_>, CanonError> {
        let limits = &budget.limits;
        let calls = shared
            .checked_pow(limits.hndq_work_factor)
            .unwrap_or(u64::MAX);
        Ok(Work {
            bytes: Meter::new(
                &budget.cancel,
                ComplexityBound::HashedBytes,
                limits.max_hashed_bytes,
            )?,
            steps: Meter::new(
                &budget.cancel,
                ComplexityBound::Steps,
                limits.max_hndq_steps,
            )?,
            calls: Meter::new(&budget.cancel, ComplexityBound::DeepIterations, calls)?,
        })
    }

    /// Steps 3-6 of the canonicalization algorithm: fill the canonical issuer.
    fn run(&mut self, budget: &Budget) -> Result<(), CanonError> {
        let nodes = self.labels.len();
        // The number of shared-hash nodes is known only after step 5.3; until then no Hash
        // N-Degree Quads call is made, so the call bound starts at zero and is replaced below.
        let mut work = Self::work(budget, 0)?;
        // Step 5.3: first-degree hashes (computed once: they never change, see the spec's note).
        let mut buf = String::new();
        let mut lines: Vec<(usize, usize)> = Vec::new();
        let mut first = Vec::with_capacity(nodes);
        for n in 0..nodes as u32 {
            first.push(self.hash_first_degree(n, &mut buf, &mut lines, &work)?);
        }
        self.first = first;

        // Step 5.4: issue canonical identifiers for unique hashes, in hash order.
        let mut by_hash: Vec<(A::Digest, u32)> = self
            .first
            .iter()
            .enumerate()
            .map(|(n, h)| (*h, n as u32))
            .collect();
        by_hash.sort_unstable();
        let mut shared: Vec<&[(A::Digest, u32)]> = Vec::new();
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
        let hashed = work.bytes.used();
        work = Self::work(budget, shared_count)?;
        work.bytes.charge(hashed)?;

        // Step 6: Hash N-Degree Quads for each shared-hash group, in hash order.
        let mut temp = Issuer::new(nodes);
        let mut frames = Frames::new();
        for group in shared {
            let mut paths: Vec<(A::Digest, Vec<u32>)> = Vec::new();
            for &(_, n) in group {
                if self.canon.get(n).is_some() {
                    continue;
                }
                temp.truncate(0);
                temp.issue(n);
                let hash = self.hash_n_degree(n, &mut temp, &mut frames, &work)?;
                // Keeping this result's issuer costs what it issued.
                work.steps.charge(temp.order.len() as u64)?;
                paths.push((hash, temp.order.clone()));
            }
            // Stable: equal hashes keep first-occurrence order, as rdf-canonize does.
            paths.sort_by_key(|p| p.0);
            for (_, issued) in &paths {
                for &m in issued {
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
        work: &Work<'_>,
    ) -> Result<A::Digest, CanonError> {
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
        let mut md = A::start();
        for l in lines.iter() {
            work.hash::<A>(&mut md, line(l).as_bytes())?;
        }
        Ok(A::finish(md))
    }

    /// Hash Related Blank Node: position letter, `<predicate>` unless `g`, then the related
    /// node's canonical id, temporary id or first-degree hash.
    fn hash_related(
        &self,
        related: u32,
        quad: &Quad,
        issuer: &Issuer,
        position: u8,
        work: &Work<'_>,
        id: &mut String,
    ) -> Result<A::Digest, CanonError> {
        let mut md = A::start();
        work.hash::<A>(&mut md, &[position])?;
        if position != b'g' {
            work.hash::<A>(&mut md, b"<")?;
            work.hash::<A>(&mut md, quad.predicate.as_bytes())?;
            work.hash::<A>(&mut md, b">")?;
        }
        id.clear();
        if let Some(k) = self.canon.get(related) {
            id.push_str("_:");
            push_label(id, CANON_PREFIX, k);
            work.hash::<A>(&mut md, id.as_bytes())?;
        } else if let Some(k) = issuer.get(related) {
            id.push_str("_:");
            push_label(id, TEMP_PREFIX, k);
            work.hash::<A>(&mut md, id.as_bytes())?;
        } else if let Some(h) = self.first.get(related as usize) {
            let mut hex = [0u8; 96];
            work.hash::<A>(&mut md, hex_of(h.as_ref(), &mut hex))?;
        }
        Ok(A::finish(md))
    }

    /// Hash N-Degree Quads for `root`, with `temp` the path identifier issuer (already holding
    /// `root`); on return `temp` is the issuer of the result. Runs on the explicit stack of
    /// `frames` (left empty on success).
    fn hash_n_degree(
        &self,
        root: u32,
        temp: &mut Issuer,
        frames: &mut Frames<A>,
        work: &Work<'_>,
    ) -> Result<A::Digest, CanonError> {
        let Frames { stack, pool, id } = frames;
        // After an error the stack may hold frames: recycle them.
        pool.append(stack);
        let root = self.enter(pool.pop(), root, temp, work, id)?;
        stack.push(root);
        let mut returned: Option<A::Digest> = None;
        while let Some(frame) = stack.last_mut() {
            if let Some(hash) = returned.take() {
                self.resume(frame, &hash, temp, work)?;
            }
            match self.advance(frame, temp, work)? {
                Next::Call(r) => {
                    let child = self.enter(pool.pop(), r, temp, work, id)?;
                    stack.push(child);
                }
                Next::Done(hash) => {
                    if let Some(done) = stack.pop() {
                        pool.push(done);
                    }
                    returned = Some(hash);
                }
            }
        }
        // The loop ends only when the root frame is done, with its hash in `returned`.
        Ok(returned.unwrap_or_else(|| A::finish(A::start())))
    }

    /// A frame for Hash N-Degree Quads of `n` (steps 1-3), `temp` being its input issuer.
    fn enter(
        &self,
        frame: Option<Frame<A>>,
        n: u32,
        temp: &Issuer,
        work: &Work<'_>,
        id: &mut String,
    ) -> Result<Frame<A>, CanonError> {
        work.calls.charge(1)?;
        work.step()?;
        let mut f = frame.unwrap_or_else(Frame::new);
        f.related.clear();
        for &qi in self.quads_of(n) {
            let (Some(quad), Some(terms)) =
                (self.quads.get(qi as usize), self.terms.get(qi as usize))
            else {
                continue;
            };
            for (term, position) in terms.iter().zip([b's', b'o', b'g']) {
                if let Some(r) = *term {
                    if r != n {
                        work.step()?;
                        let h = self.hash_related(r, quad, temp, position, work, id)?;
                        f.related.push((h, r));
                    }
                }
            }
        }
        f.related.sort_unstable();
        f.next_group = 0;
        f.md = A::start();
        f.phase = Phase::Group;
        Ok(f)
    }

    /// Step 5.4.5 after a recursive call returned `hash` for the last node recursed into.
    fn resume(
        &self,
        f: &mut Frame<A>,
        hash: &A::Digest,
        temp: &Issuer,
        work: &Work<'_>,
    ) -> Result<(), CanonError> {
        work.step()?;
        let Some(k) = f
            .rec_next
            .checked_sub(1)
            .and_then(|i| f.recursion.get(i))
            .and_then(|&r| temp.get(r))
        else {
            return Ok(());
        };
        f.path.push_str("_:");
        push_label(&mut f.path, TEMP_PREFIX, k);
        f.path.push('<');
        let mut hex = [0u8; 96];
        f.path.extend(
            hex_of(hash.as_ref(), &mut hex)
                .iter()
                .map(|&b| char::from(b)),
        );
        f.path.push('>');
        if f.chosen {
            f.cmp.update(&f.path, &f.chosen_path);
            if f.cmp.greater() {
                f.phase = Phase::Next;
            }
        }
        Ok(())
    }

    /// Runs `f` until it needs a recursive call or is done.
    fn advance(
        &self,
        f: &mut Frame<A>,
        temp: &mut Issuer,
        work: &Work<'_>,
    ) -> Result<Next<A::Digest>, CanonError> {
        loop {
            match f.phase {
                Phase::Group => {
                    let start = f.next_group;
                    let Some(&(hash, _)) = f.related.get(start) else {
                        let md = std::mem::replace(&mut f.md, A::start());
                        return Ok(Next::Done(A::finish(md)));
                    };
                    let group = f
                        .related
                        .get(start..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|(h, _)| *h == hash);
                    f.perm.clear();
                    // Sorted, so next_permutation enumerates each distinct ordering once.
                    f.perm.extend(group.map(|&(_, r)| r));
                    f.next_group = start + f.perm.len();
                    let mut hex = [0u8; 96];
                    work.hash::<A>(&mut f.md, hex_of(hash.as_ref(), &mut hex))?;
                    f.base = temp.order.len();
                    f.chosen = false;
                    f.chosen_current = false;
                    f.chosen_path.clear();
                    f.chosen_delta.clear();
                    f.phase = Phase::Perm;
                }
                Phase::Perm => {
                    work.step()?;
                    if f.chosen_current {
                        // The issuer is about to be reused: keep what the chosen one issued.
                        f.chosen_delta.clear();
                        f.chosen_delta
                            .extend_from_slice(temp.order.get(f.base..).unwrap_or_default());
                        f.chosen_current = false;
                    }
                    temp.truncate(f.base);
                    f.path.clear();
                    f.recursion.clear();
                    f.rec_next = 0;
                    f.cmp = PathCmp::default();
                    f.phase = Phase::Recurse;
                    for &r in &f.perm {
                        work.step()?;
                        f.path.push_str("_:");
                        if let Some(k) = self.canon.get(r) {
                            push_label(&mut f.path, CANON_PREFIX, k);
                        } else {
                            let (k, fresh) = temp.issue(r);
                            if fresh {
                                f.recursion.push(r);
                            }
                            push_label(&mut f.path, TEMP_PREFIX, k);
                        }
                        if f.chosen {
                            f.cmp.update(&f.path, &f.chosen_path);
                            if f.cmp.greater() {
                                f.phase = Phase::Next;
                                break;
                            }
                        }
                    }
                }
                Phase::Recurse => {
                    if let Some(&r) = f.recursion.get(f.rec_next) {
                        f.rec_next += 1;
                        return Ok(Next::Call(r));
                    }
                    if !f.chosen || f.cmp.less(f.path.len(), f.chosen_path.len()) {
                        std::mem::swap(&mut f.path, &mut f.chosen_path);
                        f.chosen = true;
                        f.chosen_current = true;
                    }
                    f.phase = Phase::Next;
                }
                Phase::Next => {
                    if next_permutation(&mut f.perm) {
                        f.phase = Phase::Perm;
                        continue;
                    }
                    work.hash::<A>(&mut f.md, f.chosen_path.as_bytes())?;
                    if !f.chosen_current {
                        temp.truncate(f.base);
                        for &m in &f.chosen_delta {
                            temp.issue(m);
                        }
                    }
                    f.phase = Phase::Group;
                }
            }
        }
    }

    /// The issued identifiers map and the canonical N-Quads.
    fn finish(self) -> Canonicalized {
        let issued = self
            .canon
            .order
            .iter()
            .enumerate()
            .filter_map(|(k, &n)| {
                let label = self.labels.get(n as usize)?;
                let mut c = String::with_capacity(8);
                push_label(&mut c, CANON_PREFIX, k as u32);
                Some(((*label).to_owned(), c))
            })
            .collect();
        Canonicalized {
            nquads: self.serialize(),
            issued,
        }
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
                    Some(n) => push_label(out, CANON_PREFIX, canon.issue(n).0),
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
    use crate::budget::Limits;
    use crate::rdf::nquads::{parse_nquads, write_quad};
    use proptest::prelude::*;
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;

    const W3C: &str = "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022";

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
        let doc = include_str!(
            "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"
        );
        let proof = include_str!(
            "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt"
        );
        check_roundtrip(doc);
        check_roundtrip(proof);
        let doc_hash = include_str!(
            "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/docHashDataInt.txt"
        );
        let proof_hash = include_str!(
            "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/proofHashDataInt.txt"
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
        let doc = include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/document-canon.nq");
        let proof = include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/proof-canon.nq");
        check_roundtrip(doc);
        check_roundtrip(proof);
        let vector: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json"
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
    fn check_map_case(input: &[Quad], map_text: &str, budget: &Budget, exact_map: bool) {
        let map = json_map(map_text);
        let expected = expected_from_map(input, &map);
        let state = Canonicalizer::<S256>::new(input, budget).unwrap();
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
        let input = parse(include_str!(
            "../../../../tests/vectors/rdfc10/test054-in.nq"
        ));
        check_map_case(
            &input,
            include_str!("../../../../tests/vectors/rdfc10/test054-rdfc10map.json"),
            &Budget::default(),
            true,
        );
        let (out, map) = canonicalize_with_map(&shuffled(&input, 9)).unwrap();
        assert_eq!(map.len(), 16);
        assert_eq!(out, canonicalize(&input).unwrap());
    }

    #[test]
    fn rdfc10_blank_graph_names_test058() {
        let input = parse(include_str!(
            "../../../../tests/vectors/rdfc10/test058-in.nq"
        ));
        check_map_case(
            &input,
            include_str!("../../../../tests/vectors/rdfc10/test058-rdfc10map.json"),
            &Budget::default(),
            true,
        );
    }

    #[test]
    fn rdfc10_poison_evil_test044() {
        // test075 is the same dataset hashed with SHA-384: map its output back to the input labels.
        let sha384_out = parse(include_str!(
            "../../../../tests/vectors/rdfc10/test075-rdfc10.nq"
        ));
        let back: HashMap<String, String> = json_map(include_str!(
            "../../../../tests/vectors/rdfc10/test075-rdfc10map.json"
        ))
        .into_iter()
        .map(|(k, v)| (v.as_str().unwrap().to_owned(), k))
        .collect();
        let input = relabel(&sha384_out, &|l| back[l].clone());
        let map_text = include_str!("../../../../tests/vectors/rdfc10/test044-rdfc10map.json");
        check_map_case(&input, map_text, &Budget::default(), false);
        // Under rdf-canonize's default work factor (1) this poison graph is refused.
        let strict = Budget::with_limits(Limits {
            hndq_work_factor: 1,
            ..Limits::default()
        });
        assert!(matches!(
            canonicalize_with(&input, &strict),
            Err(CanonError::TooComplex {
                bound: ComplexityBound::DeepIterations,
                limit: 12
            })
        ));
    }

    fn check_spec_log(input_text: &str, map_text: &str, hashes_text: &str) {
        let input = parse(input_text);
        check_map_case(&input, map_text, &Budget::default(), true);
        let hashes: serde_json::Value = serde_json::from_str(hashes_text).unwrap();
        let budget = Budget::default();
        let mut state = Canonicalizer::<S256>::intern(&input, &budget).unwrap();
        let work = Canonicalizer::<S256>::work(&budget, 100).unwrap();
        let mut buf = String::new();
        let mut lines = Vec::new();
        state.first = (0..state.labels.len() as u32)
            .map(|n| {
                state
                    .hash_first_degree(n, &mut buf, &mut lines, &work)
                    .unwrap()
            })
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
            let mut issuer = Issuer::new(state.labels.len());
            issuer.issue(node(label));
            let got = state
                .hash_n_degree(node(label), &mut issuer, &mut Frames::new(), &work)
                .unwrap();
            assert_eq!(hex::encode(got), h.as_str().unwrap(), "hndq {label}");
        }
    }

    #[test]
    fn spec_duplicate_paths_example() {
        check_spec_log(
            include_str!("../../../../tests/vectors/rdfc10/duplicate-paths-in.nq"),
            include_str!("../../../../tests/vectors/rdfc10/duplicate-paths-map.json"),
            include_str!("../../../../tests/vectors/rdfc10/duplicate-paths-hashes.json"),
        );
    }

    #[test]
    fn spec_double_circle_example() {
        check_spec_log(
            include_str!("../../../../tests/vectors/rdfc10/double-circle-in.nq"),
            include_str!("../../../../tests/vectors/rdfc10/double-circle-map.json"),
            include_str!("../../../../tests/vectors/rdfc10/double-circle-hashes.json"),
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
        let err = canonicalize(&quads).unwrap_err();
        assert!(matches!(err, CanonError::TooComplex { .. }), "{err}");
        // Even with no per-node bound the absolute step cap stops it.
        let loose = Budget::with_limits(Limits {
            hndq_work_factor: 50,
            max_hndq_steps: 20_000,
            ..Limits::default()
        });
        assert!(matches!(
            canonicalize_with(&quads, &loose),
            Err(CanonError::TooComplex {
                bound: ComplexityBound::Steps,
                limit: 20_000
            })
        ));
    }

    #[test]
    fn path_comparison_is_incremental_and_exact() {
        let check = |chosen: &str, steps: &[&str]| {
            let mut path = String::new();
            let mut cmp = PathCmp::default();
            for s in steps {
                path.push_str(s);
                cmp.update(&path, chosen);
                assert_eq!(
                    cmp.greater(),
                    path.as_str() > chosen && !chosen.starts_with(path.as_str()),
                    "{path} vs {chosen}"
                );
            }
            assert_eq!(
                cmp.less(path.len(), chosen.len()),
                path.as_str() < chosen,
                "{path} vs {chosen}"
            );
        };
        check("_:b1_:b2", &["_:b1", "_:b2"]);
        check("_:b1_:b2", &["_:b1", "_:b3"]);
        check("_:b1_:b2", &["_:b1", "_:b10"]);
        check("_:b1_:b2", &["_:b0", "_:b9"]);
        check("_:b1_:b2", &["_:b1"]);
        check("_:b1", &["_:b1", "_:b2"]);
        check("_:b10", &["_:b2"]);
        check("", &["x"]);
    }

    #[test]
    fn the_issuer_undoes_by_truncation() {
        let mut issuer = Issuer::new(6);
        assert_eq!(issuer.issue(4), (0, true));
        assert_eq!(issuer.issue(2), (1, true));
        assert_eq!(issuer.issue(4), (0, false));
        let mark = issuer.order.len();
        assert_eq!(issuer.issue(5), (2, true));
        assert_eq!(issuer.issue(0), (3, true));
        issuer.truncate(mark);
        assert_eq!(issuer.get(5), None);
        assert_eq!(issuer.get(0), None);
        assert_eq!(issuer.get(2), Some(1));
        assert_eq!(issuer.issue(0), (2, true));
        assert_eq!(issuer.order, vec![4, 2, 0]);
        issuer.truncate(0);
        assert!((0..6).all(|n| issuer.get(n).is_none()));
    }

    #[test]
    fn each_limit_is_reported_by_name() {
        let text =
            "_:a <urn:p> _:b .\n_:b <urn:p> _:c .\n_:c <urn:p> _:a .\n<urn:s> <urn:p> \"x\" .\n";
        let quads = parse(text);
        let with = |limits: Limits| canonicalize_with(&quads, &Budget::with_limits(limits));
        assert!(with(Limits::default()).is_ok());
        let cases = [
            (
                Limits {
                    max_quads: 3,
                    ..Limits::default()
                },
                ComplexityBound::Quads,
                3,
            ),
            (
                Limits {
                    max_blank_nodes: 2,
                    ..Limits::default()
                },
                ComplexityBound::BlankNodes,
                2,
            ),
            (
                Limits {
                    max_hashed_bytes: 100,
                    ..Limits::default()
                },
                ComplexityBound::HashedBytes,
                100,
            ),
            (
                Limits {
                    max_hndq_steps: 10,
                    ..Limits::default()
                },
                ComplexityBound::Steps,
                10,
            ),
            // Three shared-hash nodes, factor 1: at most three calls, and a 3-cycle needs more.
            (
                Limits {
                    hndq_work_factor: 1,
                    ..Limits::default()
                },
                ComplexityBound::DeepIterations,
                3,
            ),
        ];
        for (limits, bound, limit) in cases {
            assert_eq!(
                with(limits),
                Err(CanonError::TooComplex { bound, limit }),
                "{bound}"
            );
        }
        let cancel = crate::budget::Cancel::new();
        cancel.cancel();
        assert_eq!(
            canonicalize_dataset(&quads, HashAlgorithm::Sha384, &Budget::with_cancel(cancel)),
            Err(CanonError::Cancelled)
        );
    }

    #[test]
    fn sha384_changes_the_hashes_not_the_method() {
        // One blank node: no hash decides anything, so both functions give the same output.
        let one = parse("_:x <urn:p> \"1\" .\n");
        let a = canonicalize_dataset(&one, HashAlgorithm::Sha256, &Budget::default()).unwrap();
        let b = canonicalize_dataset(&one, HashAlgorithm::Sha384, &Budget::default()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.nquads, "_:c14n0 <urn:p> \"1\" .\n");
        assert_eq!(a.issued, vec![("x".to_owned(), "c14n0".to_owned())]);
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
            let loose = Budget::with_limits(Limits { hndq_work_factor: 6, max_hndq_steps: 5_000_000, ..Limits::default() });
            let reference = canonicalize_with(&quads, &loose).unwrap();
            let renamed = relabel(&quads, &|l| format!("z{}_{}", salt, l.chars().rev().collect::<String>()));
            let again = canonicalize_with(&shuffled(&renamed, seed), &loose).unwrap();
            prop_assert_eq!(&reference, &again);
            // The output is itself canonical: a fixpoint, with no input label left.
            prop_assert_eq!(canonicalize_with(&parse(&reference), &loose).unwrap(), reference.clone());
            prop_assert!(!reference.contains("_:b") && !reference.contains("_:z"));
        }
    }
}

//! Active contexts, term definitions, the Context Processing and Create Term Definition
//! algorithms, IRI expansion, and the cache of processed contexts.
//!
//! Two caches answer a context application (an active context, a local context and flags):
//! - the processor's shared cache, kept across calls and bounded in bytes (an estimate of each
//!   cached active context's size, least recently used evicted first). It holds only what every
//!   caller shares: pinned context documents (by URL), the scoped contexts defined inside them,
//!   and inline contexts of at most [`SMALL_INLINE`] bytes of JSON (the one-term inline context
//!   every Credence badge carries; without it each badge would process its contexts again);
//! - a [`Session`]'s cache, for one call only, for everything else: a document's larger inline
//!   contexts, the scoped contexts they define, and whatever is applied on top of them.
//!   It is dropped with the call, so no document can grow the process's memory for longer.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};

use super::error::JsonLdError;
use super::hash::KeyedMap;
use super::iri::{is_absolute, is_bcp47, is_blank, is_keyword, is_keyword_like, resolve};
use crate::budget::{Budget, ComplexityBound, Meter};
use crate::contexts::ContextStore;

/// Deepest chain of nested context references (remote, imported) processed.
pub(crate) const MAX_CONTEXT_DEPTH: usize = 32;
/// Longest chain of term definitions that need each other (`"a": "b:x"`, `"b": "c:y"`, …)
/// created recursively; real contexts need two or three.
pub(crate) const MAX_TERM_CHAIN: usize = 64;
/// Default byte budget of the shared cache of processed contexts.
pub(crate) const CACHE_BYTES: u64 = 64 << 20;
/// Inline contexts whose JSON text is at most this many bytes are cached across calls (within
/// the byte budget); larger ones are processed once per call.
pub(crate) const SMALL_INLINE: usize = 1024;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Container mapping bits.
pub(crate) mod container {
    /// `@list`.
    pub(crate) const LIST: u8 = 1;
    /// `@set`.
    pub(crate) const SET: u8 = 2;
    /// `@graph`.
    pub(crate) const GRAPH: u8 = 4;
    /// `@index`.
    pub(crate) const INDEX: u8 = 8;
    /// `@id`.
    pub(crate) const ID: u8 = 16;
    /// `@type`.
    pub(crate) const TYPE: u8 = 32;
    /// `@language`.
    pub(crate) const LANGUAGE: u8 = 64;
}

/// A base direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    fn parse(v: &Value) -> Result<Option<Self>, JsonLdError> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) if s == "ltr" => Ok(Some(Self::Ltr)),
            Value::String(s) if s == "rtl" => Ok(Some(Self::Rtl)),
            _ => Err(JsonLdError::InvalidBaseDirection),
        }
    }

    /// The keyword value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }
}

/// Where a local context comes from, for the caches and the pinned-term check.
#[derive(Debug, Clone, Copy)]
struct Origin {
    /// Its application may go to the shared cache.
    shareable: bool,
    /// It was loaded from the context store (or defined inside such a context).
    pinned: bool,
}

/// A scoped context carried by a term definition, with an identity for the cache.
#[derive(Debug)]
pub(crate) struct ScopedContext {
    /// Unique identity of this scoped context (cache key).
    pub(crate) key: u64,
    /// The local context.
    pub(crate) value: Value,
    /// Defined inside a context loaded from the context store, not by a document.
    pub(crate) pinned: bool,
    /// Defined in a context the shared cache may hold, so its applications may be shared too.
    pub(crate) shared: bool,
    /// URL of the document that defined it, against which the context URLs it names resolve.
    pub(crate) url_base: Option<String>,
}

/// A term definition.
#[derive(Debug, Default)]
pub(crate) struct TermDef {
    /// IRI mapping; `None` for a term explicitly mapped to null.
    pub(crate) iri: Option<String>,
    /// Reverse property.
    pub(crate) reverse: bool,
    /// Type mapping (`@id`, `@vocab`, `@json`, `@none` or a datatype IRI).
    pub(crate) type_mapping: Option<String>,
    /// Container mapping bits.
    pub(crate) container: u8,
    /// Language mapping: `Some(None)` when explicitly null.
    pub(crate) language: Option<Option<String>>,
    /// Direction mapping: `Some(None)` when explicitly null.
    pub(crate) direction: Option<Option<Direction>>,
    /// Scoped context.
    pub(crate) context: Option<Arc<ScopedContext>>,
    /// Protected.
    pub(crate) protected: bool,
    /// May be used as a compact IRI prefix.
    pub(crate) prefix: bool,
    /// Index mapping.
    pub(crate) index: Option<String>,
    /// Nest value.
    pub(crate) nest: Option<String>,
    /// Defined by a context loaded from the context store (a pinned context or one of the scoped
    /// contexts inside it), not by a context inside the document.
    pub(crate) pinned: bool,
    /// Estimated heap size of this definition, for the cache's byte budget.
    pub(crate) bytes: u64,
}

impl TermDef {
    /// Same definition, ignoring protection (the identical-redefinition exception).
    fn same_as(&self, other: &Self) -> bool {
        self.iri == other.iri
            && self.reverse == other.reverse
            && self.type_mapping == other.type_mapping
            && self.container == other.container
            && self.language == other.language
            && self.direction == other.direction
            && self.prefix == other.prefix
            && self.index == other.index
            && self.nest == other.nest
            && match (&self.context, &other.context) {
                (None, None) => true,
                (Some(a), Some(b)) => a.value == b.value,
                _ => false,
            }
    }

    /// Estimated size: the struct, its strings and its scoped context's JSON.
    fn estimate_bytes(&self) -> u64 {
        let len = |s: &Option<String>| s.as_ref().map_or(0, |s| s.len() as u64);
        std::mem::size_of::<Self>() as u64
            + len(&self.iri)
            + len(&self.type_mapping)
            + self.language.as_ref().map_or(0, len)
            + len(&self.index)
            + len(&self.nest)
            + self.context.as_ref().map_or(0, |c| {
                std::mem::size_of::<ScopedContext>() as u64 + 16 + json_bytes(&c.value)
            })
    }
}

/// Estimated heap size of a JSON value (walked with an explicit stack).
fn json_bytes(v: &Value) -> u64 {
    const NODE: u64 = std::mem::size_of::<Value>() as u64;
    // An object entry: its key string, the index map's slot and hash.
    const ENTRY: u64 = std::mem::size_of::<String>() as u64 + 16;
    let mut total = 0;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total += NODE;
        match v {
            Value::String(s) => total += s.len() as u64,
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(m) => {
                for (k, v) in m {
                    total += ENTRY + k.len() as u64;
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    total
}

/// An immutable active context.
#[derive(Debug)]
pub(crate) struct ActiveContext {
    /// Unique identity (cache key).
    pub(crate) id: u64,
    /// Term definitions.
    pub(crate) terms: KeyedMap<String, Arc<TermDef>>,
    /// Vocabulary mapping.
    pub(crate) vocab: Option<String>,
    /// Base IRI set by `@base` (documents themselves have none).
    pub(crate) base: Option<String>,
    /// Default language.
    pub(crate) language: Option<String>,
    /// Default base direction.
    pub(crate) direction: Option<Direction>,
    /// Context to revert to when leaving a type-scoped context.
    pub(crate) previous: Option<Arc<ActiveContext>>,
    /// Built only from what every caller shares (pinned contexts, their scoped contexts, small
    /// inline contexts): it may be a key and a value of the shared cache.
    pub(crate) shared: bool,
}

impl ActiveContext {
    fn initial() -> Self {
        Self {
            id: next_id(),
            terms: KeyedMap::default(),
            vocab: None,
            base: None,
            language: None,
            direction: None,
            previous: None,
            shared: true,
        }
    }

    /// A copy with a fresh identity, shared only if this one is and `shared` holds.
    fn derive(&self, shared: bool) -> Self {
        Self {
            id: next_id(),
            terms: self.terms.clone(),
            vocab: self.vocab.clone(),
            base: self.base.clone(),
            language: self.language.clone(),
            direction: self.direction,
            previous: self.previous.clone(),
            shared: self.shared && shared,
        }
    }

    /// Estimated heap size, for the cache's byte budget. Term definitions shared with other
    /// contexts are counted in each (an overestimate, which only makes the bound safer).
    fn estimate_bytes(&self) -> u64 {
        // A term map slot: key string, Arc pointer, control byte and load-factor slack.
        const SLOT: u64 = std::mem::size_of::<(String, Arc<TermDef>)>() as u64 + 8;
        let len = |s: &Option<String>| s.as_ref().map_or(0, |s| s.len() as u64);
        let terms: u64 = self
            .terms
            .iter()
            .map(|(k, t)| SLOT + k.len() as u64 + t.bytes)
            .sum();
        std::mem::size_of::<Self>() as u64
            + terms
            + len(&self.vocab)
            + len(&self.base)
            + len(&self.language)
    }

    /// The term definition of `term`.
    #[inline]
    pub(crate) fn term(&self, term: &str) -> Option<&TermDef> {
        self.terms.get(term).map(Arc::as_ref)
    }

    /// IRI expansion (without a local context being defined).
    pub(crate) fn expand_iri<'a>(
        &'a self,
        value: &'a str,
        vocab: bool,
        base: bool,
    ) -> Option<Cow<'a, str>> {
        if is_keyword(value) {
            return Some(Cow::Borrowed(value));
        }
        if is_keyword_like(value) {
            return None;
        }
        if vocab {
            if let Some(td) = self.terms.get(value) {
                return td.iri.as_deref().map(Cow::Borrowed);
            }
        }
        if let Some(colon) = value.find(':').filter(|&c| c > 0) {
            let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
            if prefix == "_" || suffix.starts_with("//") {
                return Some(Cow::Borrowed(value));
            }
            if let Some(td) = self.terms.get(prefix) {
                if td.prefix {
                    if let Some(iri) = &td.iri {
                        return Some(Cow::Owned(format!("{iri}{suffix}")));
                    }
                }
            }
            if is_absolute(value) {
                return Some(Cow::Borrowed(value));
            }
        }
        if vocab {
            if let Some(v) = &self.vocab {
                return Some(Cow::Owned(format!("{v}{value}")));
            }
        }
        if base {
            if let Some(b) = &self.base {
                return Some(Cow::Owned(resolve(b, value)));
            }
        }
        Some(Cow::Borrowed(value))
    }
}

/// Flags of one context-processing request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Flags {
    /// Whether the result propagates into nested node objects.
    pub(crate) propagate: bool,
    /// Whether protected terms may be overridden (property-scoped contexts).
    pub(crate) override_protected: bool,
}

/// What a local context is, for the cache.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LocalKey {
    /// A scoped context of a term definition.
    Scoped(u64),
    /// A context document by URL.
    Url(String),
    /// An inline context, by its JSON text.
    Json(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    active: u64,
    local: LocalKey,
    flags: Flags,
}

/// Context cache counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Context applications answered from a cache (shared or the call's own).
    pub hits: u64,
    /// Context applications that ran the Context Processing algorithm.
    pub misses: u64,
    /// Processed contexts in the shared cache now.
    pub entries: u64,
    /// Their estimated size in bytes (never above the cache's byte budget).
    pub bytes: u64,
}

/// One shared cache entry.
#[derive(Debug)]
struct Entry {
    ctx: Arc<ActiveContext>,
    bytes: u64,
    /// The cache clock when it was last used.
    used: AtomicU64,
}

/// The processed contexts kept across calls, bounded in bytes.
///
/// Keyed hashing: keys include inline context text from documents.
#[derive(Debug, Default)]
struct SharedCache {
    map: KeyedMap<CacheKey, Entry>,
    bytes: u64,
}

impl SharedCache {
    /// Inserts `ctx`, evicting the least recently used entries if the budget would be passed
    /// (down to three quarters of it, so eviction is rare); a context larger than the whole
    /// budget is not kept.
    fn insert(&mut self, key: CacheKey, ctx: Arc<ActiveContext>, now: u64, max_bytes: u64) {
        let bytes = ctx.estimate_bytes();
        if bytes > max_bytes {
            return;
        }
        if let Some(old) = self.map.remove(&key) {
            self.bytes -= old.bytes;
        }
        if self.bytes + bytes > max_bytes {
            let mut by_age: Vec<(u64, CacheKey)> = self
                .map
                .iter()
                .map(|(k, e)| (e.used.load(Ordering::Relaxed), k.clone()))
                .collect();
            by_age.sort_unstable_by_key(|(used, _)| *used);
            let target = (max_bytes / 4 * 3).saturating_sub(bytes);
            for (_, k) in by_age {
                if self.bytes <= target {
                    break;
                }
                if let Some(old) = self.map.remove(&k) {
                    self.bytes -= old.bytes;
                }
            }
        }
        self.bytes += bytes;
        self.map.insert(
            key,
            Entry {
                ctx,
                bytes,
                used: AtomicU64::new(now),
            },
        );
    }
}

/// Loads, processes and caches contexts.
#[derive(Debug)]
pub(crate) struct ContextProcessor {
    store: ContextStore,
    initial: Arc<ActiveContext>,
    cache: RwLock<SharedCache>,
    /// Byte budget of `cache`.
    max_bytes: u64,
    /// The cache clock: advanced by every insertion.
    clock: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ContextProcessor {
    pub(crate) fn new(store: ContextStore) -> Self {
        Self::with_cache_bytes(store, CACHE_BYTES)
    }

    /// A processor whose shared cache holds at most about `max_bytes` of processed contexts.
    pub(crate) fn with_cache_bytes(store: ContextStore, max_bytes: u64) -> Self {
        Self {
            store,
            initial: Arc::new(ActiveContext::initial()),
            cache: RwLock::new(SharedCache::default()),
            max_bytes,
            clock: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub(crate) fn store(&self) -> &ContextStore {
        &self.store
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let cache = match self.cache.read() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: cache.map.len() as u64,
            bytes: cache.bytes,
        }
    }

    fn shared_get(&self, key: &CacheKey) -> Option<Arc<ActiveContext>> {
        let cache = match self.cache.read() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        let entry = cache.map.get(key)?;
        let now = self.clock.load(Ordering::Relaxed);
        // Written only when it changes, so hot entries do not bounce between cores.
        if entry.used.load(Ordering::Relaxed) != now {
            entry.used.store(now, Ordering::Relaxed);
        }
        Some(entry.ctx.clone())
    }

    fn shared_insert(&self, key: CacheKey, ctx: Arc<ActiveContext>) {
        let now = self.clock.fetch_add(1, Ordering::Relaxed) + 1;
        let mut cache = match self.cache.write() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        cache.insert(key, ctx, now, self.max_bytes);
    }
}

/// One call's view of a [`ContextProcessor`]: its work meter and its own cache of processed
/// contexts that must not outlive the call.
pub(crate) struct Session<'p> {
    procr: &'p ContextProcessor,
    meter: Meter<'p>,
    local: RefCell<KeyedMap<CacheKey, Arc<ActiveContext>>>,
    /// The initial context: the processor's, or one carrying the document's base IRI.
    initial: Arc<ActiveContext>,
    /// The document's own URL, against which the context URLs it names are resolved.
    document_url: Option<String>,
    /// Safe mode. Off, a term that looks like a keyword is ignored rather than refused, and
    /// nothing this session processes enters the shared cache (safe sessions must not meet a
    /// context that only an unsafe one accepted).
    safe: bool,
    /// The URLs of the remote contexts being processed, outermost first.
    remote: RefCell<Vec<String>>,
}

impl<'p> Session<'p> {
    /// A session under `budget` (fails at once if it is already cancelled).
    pub(crate) fn new(
        procr: &'p ContextProcessor,
        budget: &'p Budget,
    ) -> Result<Self, JsonLdError> {
        Self::with_base(procr, budget, None, true)
    }

    /// A session for a document whose base IRI (and URL) is `base`. Contexts applied over its
    /// initial context are this call's own, never shared.
    pub(crate) fn with_base(
        procr: &'p ContextProcessor,
        budget: &'p Budget,
        base: Option<&str>,
        safe: bool,
    ) -> Result<Self, JsonLdError> {
        let initial = match base {
            None if safe => procr.initial.clone(),
            None => Arc::new(procr.initial.derive(false)),
            Some(b) => {
                let mut c = procr.initial.derive(false);
                c.base = Some(b.to_owned());
                Arc::new(c)
            }
        };
        Ok(Self {
            initial,
            document_url: base.map(str::to_owned),
            safe,
            remote: RefCell::new(Vec::new()),
            procr,
            meter: Meter::new(
                &budget.cancel,
                ComplexityBound::JsonLdWork,
                budget.limits.max_jsonld_work,
            )?,
            local: RefCell::new(KeyedMap::default()),
        })
    }

    pub(crate) fn initial(&self) -> &Arc<ActiveContext> {
        &self.initial
    }

    /// The call's JSON-LD work meter.
    pub(crate) fn meter(&self) -> &Meter<'p> {
        &self.meter
    }

    /// Charges `n` units of JSON-LD work.
    #[inline]
    pub(crate) fn charge(&self, n: u64) -> Result<(), JsonLdError> {
        Ok(self.meter.charge(n)?)
    }

    /// Applies an inline local context (from a document's `@context`).
    pub(crate) fn apply_inline(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        flags: Flags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let (key, shareable) = match local {
            Value::String(url) => (LocalKey::Url(url.clone()), true),
            other => {
                let text = other.to_string();
                let small = text.len() <= SMALL_INLINE;
                (LocalKey::Json(text), small)
            }
        };
        // An inline context is the document's own; the URLs it names are loaded from the store.
        let origin = Origin {
            shareable,
            pinned: false,
        };
        self.apply(
            active,
            local,
            key,
            origin,
            flags,
            0,
            self.document_url.as_deref(),
            true,
        )
    }

    /// Applies a term's scoped context.
    pub(crate) fn apply_scoped(
        &self,
        active: &Arc<ActiveContext>,
        scoped: &ScopedContext,
        flags: Flags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        self.apply(
            active,
            &scoped.value,
            LocalKey::Scoped(scoped.key),
            Origin {
                shareable: scoped.shared,
                pinned: scoped.pinned,
            },
            flags,
            0,
            scoped.url_base.as_deref(),
            true,
        )
    }

    /// A cached application, or the Context Processing algorithm. The result goes to the shared
    /// cache only if `active` is shared and the local context may be (`shareable`).
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        key: LocalKey,
        origin: Origin,
        flags: Flags,
        depth: usize,
        url_base: Option<&str>,
        validate: bool,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let Origin { shareable, pinned } = origin;
        let shared = active.shared && shareable && self.safe;
        let key = CacheKey {
            active: active.id,
            local: key,
            flags,
        };
        let hit = if shared {
            self.procr.shared_get(&key)
        } else {
            self.local.borrow().get(&key).cloned()
        };
        if let Some(hit) = hit {
            self.procr.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(hit);
        }
        self.procr.misses.fetch_add(1, Ordering::Relaxed);
        let result = self.process(
            active, local, flags, depth, shared, pinned, url_base, validate,
        )?;
        if shared && result.shared {
            self.procr.shared_insert(key, result.clone());
        } else {
            self.local.borrow_mut().insert(key, result.clone());
        }
        Ok(result)
    }

    /// The Context Processing algorithm (JSON-LD 1.1 API 4.1.2). `pinned`: `local` was loaded
    /// from the context store (or defined inside such a context), so its terms are pinned terms.
    /// `url_base`: the URL of the document holding `local`, against which the context URLs it
    /// names are resolved. `validate`: process the scoped contexts of the terms it defines too
    /// (once, not theirs in turn), so that an error in one is found where it is written.
    #[allow(clippy::too_many_arguments)]
    fn process(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        flags: Flags,
        depth: usize,
        shared: bool,
        pinned: bool,
        url_base: Option<&str>,
        validate: bool,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        if depth > MAX_CONTEXT_DEPTH {
            return Err(JsonLdError::TooDeep {
                limit: MAX_CONTEXT_DEPTH,
            });
        }
        let local = match local {
            Value::Object(m) => match m.get("@context") {
                Some(inner @ Value::Array(_)) => inner,
                _ => local,
            },
            _ => local,
        };
        let items: &[Value] = match local {
            Value::Array(a) => a,
            other => std::slice::from_ref(other),
        };
        if items.is_empty() {
            return Ok(active.clone());
        }
        let mut propagate = flags.propagate;
        if let Some(Value::Object(first)) = items.first() {
            if let Some(Value::Bool(p)) = first.get("@propagate") {
                propagate = *p;
            }
        }
        let mut rval = active.clone();
        if !propagate && rval.previous.is_none() {
            self.charge(rval.terms.len() as u64 + 1)?;
            let mut c = rval.derive(shared);
            c.previous = Some(active.clone());
            rval = Arc::new(c);
        }
        let inner_flags = Flags {
            propagate: true,
            override_protected: flags.override_protected,
        };
        for item in items {
            match item {
                Value::Null => {
                    self.charge(rval.terms.len() as u64 + 1)?;
                    if !flags.override_protected && rval.terms.values().any(|t| t.protected) {
                        return Err(JsonLdError::InvalidContextNullification);
                    }
                    rval = self.initial.clone();
                }
                Value::String(url) => {
                    let url = &context_url(url_base, url);
                    // Validating a scoped context, a context already being processed further
                    // up is not processed again (so a context may include itself).
                    if !validate && self.remote.borrow().contains(url) {
                        continue;
                    }
                    let doc = self.procr.store.load(url)?;
                    let ctx = match doc.as_ref() {
                        Value::Object(m) => m.get("@context"),
                        _ => None,
                    }
                    .ok_or_else(|| JsonLdError::InvalidRemoteContext { url: url.clone() })?;
                    self.remote.borrow_mut().push(url.clone());
                    let applied = self.apply(
                        &rval,
                        ctx,
                        LocalKey::Url(url.clone()),
                        Origin {
                            shareable: true,
                            pinned: true,
                        },
                        inner_flags,
                        depth + 1,
                        Some(url),
                        validate,
                    );
                    self.remote.borrow_mut().pop();
                    rval = applied?;
                }
                Value::Object(map) => {
                    let scope = Scope {
                        shared,
                        pinned,
                        url_base,
                        validate,
                        depth,
                    };
                    rval = Arc::new(self.process_object(&rval, map, flags, scope)?);
                }
                _ => return Err(JsonLdError::InvalidLocalContext),
            }
        }
        Ok(rval)
    }

    fn process_object(
        &self,
        active: &ActiveContext,
        map: &Map<String, Value>,
        flags: Flags,
        scope: Scope<'_>,
    ) -> Result<ActiveContext, JsonLdError> {
        let Scope {
            shared,
            pinned,
            url_base,
            validate,
            depth,
        } = scope;
        // Copying the term map is work in proportion to its size.
        self.charge(active.terms.len() as u64 + 1)?;
        let mut ctx = active.derive(shared);
        if let Some(v) = map.get("@version") {
            if v.as_f64() != Some(1.1) {
                return Err(JsonLdError::InvalidContextEntry { entry: "@version" });
            }
        }
        // @import: merge the imported context under this one.
        let imported;
        let map: Cow<'_, Map<String, Value>> = match map.get("@import") {
            None => Cow::Borrowed(map),
            Some(Value::String(url)) => {
                let url = context_url(url_base, url);
                let doc = self.procr.store.load(&url)?;
                imported = doc;
                let Some(Value::Object(import_map)) = imported.get("@context") else {
                    return Err(JsonLdError::InvalidRemoteContext { url });
                };
                if import_map.contains_key("@import") {
                    return Err(JsonLdError::InvalidContextEntry {
                        entry: "@import in an imported context",
                    });
                }
                let mut merged = import_map.clone();
                for (k, v) in map {
                    merged.insert(k.clone(), v.clone());
                }
                Cow::Owned(merged)
            }
            Some(_) => return Err(JsonLdError::InvalidContextEntry { entry: "@import" }),
        };
        if let Some(b) = map.get("@base") {
            ctx.base = match b {
                Value::Null => None,
                Value::String(s) if is_absolute(s) => Some(s.clone()),
                Value::String(s) => match &ctx.base {
                    Some(base) => Some(resolve(base, s)),
                    None => return Err(JsonLdError::InvalidBaseIri { value: s.clone() }),
                },
                other => {
                    return Err(JsonLdError::InvalidBaseIri {
                        value: other.to_string(),
                    })
                }
            };
        }
        let protected_default = match map.get("@protected") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(JsonLdError::InvalidContextEntry {
                    entry: "@protected",
                })
            }
        };
        if let Some(p) = map.get("@propagate") {
            if !p.is_boolean() {
                return Err(JsonLdError::InvalidContextEntry {
                    entry: "@propagate",
                });
            }
        }
        if let Some(l) = map.get("@language") {
            ctx.language = match l {
                Value::Null => None,
                Value::String(s) => {
                    if !is_bcp47(s) {
                        return Err(JsonLdError::InvalidLanguageTag { value: s.clone() });
                    }
                    Some(s.to_lowercase())
                }
                _ => return Err(JsonLdError::InvalidDefaultLanguage),
            };
        }
        if let Some(d) = map.get("@direction") {
            ctx.direction = Direction::parse(d)?;
        }
        let mut builder = Builder {
            ctx,
            local: &map,
            defined: KeyedMap::default(),
            protected_default,
            override_protected: flags.override_protected,
            session: self,
            chain: 0,
            pinned,
            url_base,
            validate,
            depth,
        };
        if let Some(v) = map.get("@vocab") {
            builder.ctx.vocab = match v {
                Value::Null => None,
                Value::String(s) => {
                    let expanded = builder.expand_iri(s, true, true)?;
                    match expanded {
                        Some(e) if is_absolute(&e) => Some(e),
                        _ => return Err(JsonLdError::InvalidVocabMapping { value: s.clone() }),
                    }
                }
                other => {
                    return Err(JsonLdError::InvalidVocabMapping {
                        value: other.to_string(),
                    })
                }
            };
        }
        for key in map.keys() {
            if matches!(
                key.as_str(),
                "@base"
                    | "@direction"
                    | "@import"
                    | "@language"
                    | "@propagate"
                    | "@protected"
                    | "@version"
                    | "@vocab"
            ) {
                continue;
            }
            builder.create_term(key)?;
        }
        Ok(builder.ctx)
    }
}

/// State of the Create Term Definition algorithm over one local context.
struct Builder<'m, 's> {
    ctx: ActiveContext,
    local: &'m Map<String, Value>,
    /// Keyed hashing: the terms come from documents.
    defined: KeyedMap<String, bool>,
    protected_default: bool,
    override_protected: bool,
    session: &'s Session<'s>,
    /// How many Create Term Definition calls are under way (they recurse through IRI expansion).
    chain: usize,
    /// The terms being defined come from the context store.
    pinned: bool,
    /// URL of the document holding the local context.
    url_base: Option<&'m str>,
    /// Process each scoped context as its term is defined (JSON-LD 1.1 API 4.2.2 step 21.3).
    validate: bool,
    /// How deep in context processing the local context is.
    depth: usize,
}

/// Where a local context object is processed: what [`Session::process`] knows of it.
#[derive(Clone, Copy)]
struct Scope<'a> {
    shared: bool,
    pinned: bool,
    url_base: Option<&'a str>,
    validate: bool,
    depth: usize,
}

impl Builder<'_, '_> {
    /// IRI expansion that defines terms of the local context on demand.
    fn expand_iri(
        &mut self,
        value: &str,
        vocab: bool,
        base: bool,
    ) -> Result<Option<String>, JsonLdError> {
        if is_keyword(value) {
            return Ok(Some(value.to_owned()));
        }
        if is_keyword_like(value) {
            return Ok(None);
        }
        if self.local.contains_key(value) && self.defined.get(value) != Some(&true) {
            self.create_term(value)?;
        }
        if vocab {
            if let Some(td) = self.ctx.terms.get(value) {
                return Ok(td.iri.clone());
            }
        }
        if let Some(colon) = value.find(':').filter(|&c| c > 0) {
            let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
            if prefix == "_" || suffix.starts_with("//") {
                return Ok(Some(value.to_owned()));
            }
            if self.local.contains_key(prefix) {
                self.create_term(prefix)?;
            }
            if let Some(td) = self.ctx.terms.get(prefix) {
                if td.prefix {
                    if let Some(iri) = &td.iri {
                        return Ok(Some(format!("{iri}{suffix}")));
                    }
                }
            }
            if is_absolute(value) {
                return Ok(Some(value.to_owned()));
            }
        }
        Ok(self.ctx.expand_iri(value, vocab, base).map(Cow::into_owned))
    }

    /// Processes a term's scoped context over the context built so far, once (its own scoped
    /// contexts are not validated in turn): any error in it is an invalid scoped context.
    fn validate_scoped(&mut self, local: &Value) -> Result<(), JsonLdError> {
        self.session.charge(self.ctx.terms.len() as u64 + 1)?;
        let snapshot = Arc::new(self.ctx.derive(false));
        let flags = Flags {
            propagate: true,
            override_protected: true,
        };
        match self.session.process(
            &snapshot,
            local,
            flags,
            self.depth + 1,
            false,
            self.pinned,
            self.url_base,
            false,
        ) {
            Ok(_) => Ok(()),
            Err(
                e @ (JsonLdError::TooComplex { .. }
                | JsonLdError::Cancelled
                | JsonLdError::TooDeep { .. }),
            ) => Err(e),
            Err(e) => Err(JsonLdError::InvalidScopedContext {
                source: Box::new(e),
            }),
        }
    }

    /// The Create Term Definition algorithm, its recursion bounded by [`MAX_TERM_CHAIN`].
    fn create_term(&mut self, term: &str) -> Result<(), JsonLdError> {
        if self.chain >= MAX_TERM_CHAIN {
            return Err(JsonLdError::TooDeep {
                limit: MAX_TERM_CHAIN,
            });
        }
        self.chain += 1;
        let result = self.create_term_inner(term);
        self.chain -= 1;
        result
    }

    /// The Create Term Definition algorithm (JSON-LD 1.1 API 4.2.2).
    fn create_term_inner(&mut self, term: &str) -> Result<(), JsonLdError> {
        match self.defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => {
                return Err(JsonLdError::CyclicIriMapping {
                    term: term.to_owned(),
                })
            }
            None => {}
        }
        self.session.charge(1)?;
        self.defined.insert(term.to_owned(), false);
        let err_def = || JsonLdError::InvalidTermDefinition {
            term: term.to_owned(),
        };
        let value = self.local.get(term).unwrap_or(&Value::Null);
        if term == "@type" {
            let ok = match value {
                Value::Object(o) => {
                    !o.is_empty()
                        && o.keys()
                            .all(|k| matches!(k.as_str(), "@container" | "@id" | "@protected"))
                        && o.get("@container").is_none_or(|c| c == "@set")
                }
                _ => false,
            };
            if !ok {
                return Err(JsonLdError::KeywordRedefinition {
                    term: term.to_owned(),
                });
            }
        } else if is_keyword(term) {
            return Err(JsonLdError::KeywordRedefinition {
                term: term.to_owned(),
            });
        } else if is_keyword_like(term) {
            if !self.session.safe {
                // JSON-LD 1.1: such a term is ignored, with a warning.
                self.defined.insert(term.to_owned(), true);
                return Ok(());
            }
            return Err(JsonLdError::ReservedTerm {
                term: term.to_owned(),
            });
        } else if term.is_empty() {
            return Err(err_def());
        }
        let previous = self.ctx.terms.remove(term);
        let (simple, obj, id_val): (bool, Option<&Map<String, Value>>, Option<&Value>) = match value
        {
            Value::String(_) | Value::Null => (true, None, Some(value)),
            Value::Object(o) => (false, Some(o), o.get("@id")),
            _ => return Err(err_def()),
        };
        let get = |k: &str| obj.and_then(|o| o.get(k));
        if let Some(o) = obj {
            for k in o.keys() {
                if !matches!(
                    k.as_str(),
                    "@container"
                        | "@id"
                        | "@language"
                        | "@reverse"
                        | "@type"
                        | "@context"
                        | "@direction"
                        | "@index"
                        | "@nest"
                        | "@prefix"
                        | "@protected"
                ) {
                    return Err(err_def());
                }
            }
        }
        let colon = term.find(':').filter(|&c| c > 0);
        let mut def = TermDef {
            pinned: self.pinned,
            ..TermDef::default()
        };
        let err_iri = || JsonLdError::InvalidIriMapping {
            term: term.to_owned(),
        };
        let mut iri_set = false;
        if let Some(rev) = get("@reverse") {
            if get("@id").is_some() || get("@nest").is_some() {
                return Err(JsonLdError::InvalidReverseProperty {
                    term: term.to_owned(),
                });
            }
            let Value::String(rev) = rev else {
                return Err(err_iri());
            };
            if is_keyword_like(rev) {
                if !self.session.safe {
                    self.defined.insert(term.to_owned(), true);
                    return Ok(());
                }
                return Err(JsonLdError::ReservedTerm { term: rev.clone() });
            }
            match self.expand_iri(rev, true, false)? {
                Some(id) if is_absolute(&id) => def.iri = Some(id),
                _ => return Err(err_iri()),
            }
            def.reverse = true;
            iri_set = true;
        } else if let Some(idv) = id_val {
            match idv {
                Value::Null => iri_set = true,
                Value::String(s) => {
                    if !is_keyword(s) && is_keyword_like(s) {
                        if !self.session.safe {
                            self.defined.insert(term.to_owned(), true);
                            return Ok(());
                        }
                        return Err(JsonLdError::ReservedId { id: s.clone() });
                    }
                    if s != term {
                        let id = match self.expand_iri(s, true, false)? {
                            Some(id) if is_absolute(&id) || is_keyword(&id) => id,
                            _ => return Err(err_iri()),
                        };
                        if looks_like_iri(term) {
                            self.defined.insert(term.to_owned(), true);
                            let term_iri = self.expand_iri(term, true, false);
                            self.defined.insert(term.to_owned(), false);
                            if term_iri?.as_deref() != Some(id.as_str()) {
                                return Err(err_iri());
                            }
                        }
                        def.prefix = simple
                            && colon.is_none()
                            && id.ends_with([':', '/', '?', '#', '[', ']', '@']);
                        def.iri = Some(id);
                        iri_set = true;
                    }
                }
                _ => return Err(err_iri()),
            }
        }
        if !iri_set {
            if let Some(c) = colon {
                let (prefix, suffix) = (&term[..c], &term[c + 1..]);
                if self.local.contains_key(prefix) {
                    self.create_term(prefix)?;
                }
                def.iri = Some(match self.ctx.terms.get(prefix) {
                    Some(p) => match &p.iri {
                        Some(i) => format!("{i}{suffix}"),
                        None => return Err(err_iri()),
                    },
                    None => term.to_owned(),
                });
            } else if term == "@type" {
                def.iri = Some("@type".to_owned());
            } else if let Some(v) = &self.ctx.vocab {
                def.iri = Some(format!("{v}{term}"));
            } else {
                return Err(err_iri());
            }
        }
        def.protected = match get("@protected") {
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(JsonLdError::InvalidContextEntry {
                    entry: "@protected",
                })
            }
            None => self.protected_default,
        };
        self.defined.insert(term.to_owned(), true);
        let err_type = || JsonLdError::InvalidTypeMapping {
            term: term.to_owned(),
        };
        if let Some(t) = get("@type") {
            let Value::String(t) = t else {
                return Err(err_type());
            };
            let t = match t.as_str() {
                "@json" | "@none" | "@id" | "@vocab" => t.clone(),
                _ => match self.expand_iri(t, true, false)? {
                    Some(e) if is_absolute(&e) && !is_blank(&e) => e,
                    _ => return Err(err_type()),
                },
            };
            def.type_mapping = Some(t);
        }
        if let Some(c) = get("@container") {
            def.container =
                parse_container(c).ok_or_else(|| JsonLdError::InvalidContainerMapping {
                    term: term.to_owned(),
                })?;
            if def.container & container::TYPE != 0 {
                let t = def.type_mapping.get_or_insert_with(|| "@id".to_owned());
                if t != "@id" && t != "@vocab" {
                    return Err(err_type());
                }
            }
        }
        if let Some(i) = get("@index") {
            match i {
                Value::String(s)
                    if def.container & container::INDEX != 0 && !s.starts_with('@') =>
                {
                    def.index = Some(s.clone())
                }
                _ => return Err(JsonLdError::InvalidContextEntry { entry: "@index" }),
            }
        }
        if let Some(c) = get("@context") {
            if self.validate {
                self.validate_scoped(c)?;
            }
            def.context = Some(Arc::new(ScopedContext {
                key: next_id(),
                value: c.clone(),
                shared: self.ctx.shared,
                pinned: self.pinned,
                url_base: self.url_base.map(str::to_owned),
            }));
        }
        if let (Some(l), None) = (get("@language"), get("@type")) {
            def.language = Some(match l {
                Value::Null => None,
                Value::String(s) => {
                    if !is_bcp47(s) {
                        return Err(JsonLdError::InvalidLanguageTag { value: s.clone() });
                    }
                    Some(s.to_lowercase())
                }
                _ => {
                    return Err(JsonLdError::InvalidLanguageMapping {
                        term: term.to_owned(),
                    })
                }
            });
        }
        if let Some(p) = get("@prefix") {
            if term.contains([':', '/']) {
                return Err(err_def());
            }
            let Value::Bool(p) = p else {
                return Err(JsonLdError::InvalidContextEntry { entry: "@prefix" });
            };
            def.prefix = *p;
            if def.prefix && def.iri.as_deref().is_some_and(is_keyword) {
                return Err(err_def());
            }
        }
        if def.reverse && def.container & !(container::SET | container::INDEX) != 0 {
            return Err(JsonLdError::InvalidReverseProperty {
                term: term.to_owned(),
            });
        }
        if let Some(d) = get("@direction") {
            def.direction = Some(Direction::parse(d)?);
        }
        if let Some(n) = get("@nest") {
            match n {
                Value::String(s) if s == "@nest" || !s.starts_with('@') => {
                    def.nest = Some(s.clone())
                }
                _ => return Err(JsonLdError::InvalidContextEntry { entry: "@nest" }),
            }
        }
        if matches!(def.iri.as_deref(), Some("@context" | "@preserve")) {
            return Err(JsonLdError::InvalidKeywordAlias {
                term: term.to_owned(),
            });
        }
        if let Some(prev) = previous {
            if prev.protected && !self.override_protected {
                def.protected = true;
                if !prev.same_as(&def) {
                    return Err(JsonLdError::ProtectedTermRedefinition {
                        term: term.to_owned(),
                    });
                }
                // Identical redefinition: keep the original (and its scoped-context cache identity).
                self.ctx.terms.insert(term.to_owned(), prev);
                return Ok(());
            }
        }
        def.bytes = def.estimate_bytes();
        self.ctx.terms.insert(term.to_owned(), Arc::new(def));
        Ok(())
    }
}

/// True if a term has the form of an IRI (`:` followed by a non-`:` character, or a `/`).
/// A context URL as named in the document at `url_base`, made absolute against it.
fn context_url(url_base: Option<&str>, url: &str) -> String {
    match url_base {
        Some(b) if !is_absolute(url) => resolve(b, url),
        _ => url.to_owned(),
    }
}

fn looks_like_iri(term: &str) -> bool {
    term.contains('/')
        || term
            .as_bytes()
            .windows(2)
            .any(|w| w.first() == Some(&b':') && w.get(1) != Some(&b':'))
}

fn parse_container(v: &Value) -> Option<u8> {
    let one = |s: &str| match s {
        "@list" => Some(container::LIST),
        "@set" => Some(container::SET),
        "@graph" => Some(container::GRAPH),
        "@index" => Some(container::INDEX),
        "@id" => Some(container::ID),
        "@type" => Some(container::TYPE),
        "@language" => Some(container::LANGUAGE),
        _ => None,
    };
    let (bits, len) = match v {
        Value::String(s) => (one(s)?, 1),
        Value::Array(a) => {
            let mut bits = 0u8;
            for item in a {
                bits |= one(item.as_str()?)?;
            }
            (bits, a.len())
        }
        Value::Null => (0, 0),
        _ => return None,
    };
    let has_set = bits & container::SET != 0;
    let valid = if bits & container::LIST != 0 {
        len == 1
    } else if bits & container::GRAPH != 0 {
        len <= if has_set { 3 } else { 2 }
            && bits & !(container::GRAPH | container::ID | container::INDEX | container::SET) == 0
    } else {
        len <= if has_set { 2 } else { 1 }
    };
    valid.then_some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn proc() -> ContextProcessor {
        ContextProcessor::new(crate::testing::store())
    }

    const EMBEDDED: Flags = Flags {
        propagate: true,
        override_protected: false,
    };

    fn apply(p: &ContextProcessor, v: Value) -> Result<Arc<ActiveContext>, JsonLdError> {
        let budget = Budget::default();
        let session = Session::new(p, &budget)?;
        session.apply_inline(&p.initial.clone(), &v, EMBEDDED)
    }

    #[test]
    fn processes_credentials_v2_and_ob() {
        let p = proc();
        let ctx = apply(
            &p,
            json!([
                crate::testing::CREDENTIALS_V2,
                crate::testing::OB_V3P0_3_0_3
            ]),
        )
        .unwrap();
        assert_eq!(
            ctx.expand_iri("name", true, false).as_deref(),
            Some("https://schema.org/name")
        );
        assert_eq!(ctx.expand_iri("id", true, false).as_deref(), Some("@id"));
        let vc = ctx.term("VerifiableCredential").unwrap();
        assert!(vc.context.is_some());
        assert!(vc.protected);
        let ach = ctx.term("AchievementCredential").unwrap();
        assert_eq!(
            ach.iri.as_deref(),
            Some("https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential")
        );
    }

    #[test]
    fn protected_redefinition_is_refused_unless_identical() {
        let p = proc();
        let base = json!([crate::testing::CREDENTIALS_V2]);
        let mut same = base.clone();
        same.as_array_mut()
            .unwrap()
            .push(json!({"name": "https://schema.org/name"}));
        assert!(apply(&p, same).is_ok());
        let mut diff = base;
        diff.as_array_mut()
            .unwrap()
            .push(json!({"name": "https://example.com/name"}));
        assert!(matches!(
            apply(&p, diff),
            Err(JsonLdError::ProtectedTermRedefinition { .. })
        ));
        assert!(matches!(
            apply(&p, json!([crate::testing::CREDENTIALS_V2, null])),
            Err(JsonLdError::InvalidContextNullification)
        ));
    }

    #[test]
    fn compact_iris_prefixes_and_cycles() {
        let p = proc();
        let ctx = apply(
            &p,
            json!({"ex": "https://ex.org/", "a": "ex:a", "b": {"@id": "ex:b", "@type": "@id"}}),
        )
        .unwrap();
        assert_eq!(
            ctx.term("a").unwrap().iri.as_deref(),
            Some("https://ex.org/a")
        );
        assert_eq!(
            ctx.expand_iri("ex:zzz", false, false).as_deref(),
            Some("https://ex.org/zzz")
        );
        assert!(matches!(
            apply(&p, json!({"a": "b:x", "b": "a:y"})),
            Err(JsonLdError::CyclicIriMapping { .. })
        ));
        assert!(matches!(
            apply(&p, json!({"@id": "x"})),
            Err(JsonLdError::KeywordRedefinition { .. })
        ));
        assert!(matches!(
            apply(&p, json!({"undefinedTerm": {"@type": "@id"}})),
            Err(JsonLdError::InvalidIriMapping { .. })
        ));
    }

    #[test]
    fn container_parsing() {
        assert_eq!(parse_container(&json!("@graph")), Some(container::GRAPH));
        assert_eq!(
            parse_container(&json!(["@graph", "@index", "@set"])),
            Some(container::GRAPH | container::INDEX | container::SET)
        );
        assert_eq!(parse_container(&json!(["@list", "@set"])), None);
        assert_eq!(parse_container(&json!("@foo")), None);
    }

    fn inline(p: &ContextProcessor, v: &Value, budget: &Budget) -> Result<u64, JsonLdError> {
        let session = Session::new(p, budget)?;
        session.apply_inline(&p.initial.clone(), v, EMBEDDED)?;
        Ok(session.meter().used())
    }

    /// A one-term inline context on top of the pinned VC 2.0 context, distinct per `salt`.
    fn small(salt: usize) -> Value {
        json!([crate::testing::CREDENTIALS_V2, {format!("term{salt}"): "urn:ex:t"}])
    }

    #[test]
    fn small_inline_contexts_are_shared_and_large_ones_are_not() {
        let p = proc();
        let budget = Budget::default();
        let first = inline(&p, &small(0), &budget).unwrap();
        let warm = p.stats();
        // The second call hits the shared cache and does no context work at all.
        assert_eq!(inline(&p, &small(0), &budget).unwrap(), 0);
        assert_eq!(p.stats().misses, warm.misses);
        assert!(first > 0);
        // A large inline context is processed on every call and never kept.
        let mut big = Map::new();
        for t in 0..200 {
            big.insert(format!("t{t}"), Value::String(format!("urn:ex:{t}")));
        }
        let big = json!([crate::testing::CREDENTIALS_V2, big]);
        assert!(big.to_string().len() > SMALL_INLINE);
        let work = inline(&p, &big, &budget).unwrap();
        assert!(work >= 200, "{work}");
        assert_eq!(inline(&p, &big, &budget).unwrap(), work);
        let after = p.stats();
        assert_eq!((after.entries, after.bytes), (warm.entries, warm.bytes));
        // Within one call it is processed once, however often it is applied.
        let session = Session::new(&p, &budget).unwrap();
        for _ in 0..3 {
            session
                .apply_inline(&p.initial.clone(), &big, EMBEDDED)
                .unwrap();
        }
        assert_eq!(session.meter().used(), work);
    }

    #[test]
    fn the_shared_cache_stays_within_its_byte_budget() {
        let p = ContextProcessor::new(crate::testing::store());
        inline(&p, &small(0), &Budget::default()).unwrap();
        let one = p.stats().bytes;
        assert!(one > 0);
        // Room for about five processed contexts like these.
        let max = one * 5;
        let p = ContextProcessor::with_cache_bytes(crate::testing::store(), max);
        for salt in 0..40 {
            inline(&p, &small(salt), &Budget::default()).unwrap();
            let stats = p.stats();
            assert!(stats.bytes <= max, "{} > {max} after {salt}", stats.bytes);
        }
        assert!(p.stats().entries < 40);
        // The most recently used entry survived eviction: applying it again is a hit.
        let misses = p.stats().misses;
        inline(&p, &small(39), &Budget::default()).unwrap();
        assert_eq!(p.stats().misses, misses);
        // A context larger than the whole budget is processed but not kept.
        let tiny = ContextProcessor::with_cache_bytes(crate::testing::store(), 16);
        inline(&tiny, &small(0), &Budget::default()).unwrap();
        assert_eq!(tiny.stats().entries, 0);
        assert_eq!(tiny.stats().bytes, 0);
    }

    #[test]
    fn context_work_is_charged_to_the_budget() {
        let p = proc();
        let mut m = Map::new();
        for t in 0..500 {
            m.insert(format!("t{t}"), Value::String(format!("urn:ex:{t}")));
        }
        let budget = Budget::with_limits(crate::budget::Limits {
            max_jsonld_work: 400,
            ..crate::budget::Limits::default()
        });
        assert!(matches!(
            inline(&p, &Value::Object(m), &budget),
            Err(JsonLdError::TooComplex {
                bound: ComplexityBound::JsonLdWork,
                limit: 400
            })
        ));
    }

    #[test]
    fn a_long_chain_of_term_definitions_is_refused_not_a_stack_overflow() {
        let chain = |n: usize| {
            let mut m = Map::new();
            for t in 0..n {
                m.insert(format!("t{t}"), Value::String(format!("t{}:x/", t + 1)));
            }
            m.insert(format!("t{n}"), Value::String("urn:ex:".to_owned()));
            Value::Object(m)
        };
        let ok = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let p = proc();
                let short = apply(&p, chain(10)).map(|c| c.term("t0").and_then(|t| t.iri.clone()));
                let long = apply(&p, chain(20_000)).err();
                (short.ok().flatten(), long)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(ok.0, Some(format!("urn:ex:{}", "x/".repeat(10))));
        assert!(matches!(
            ok.1,
            Some(JsonLdError::TooDeep {
                limit: MAX_TERM_CHAIN
            })
        ));
    }
}

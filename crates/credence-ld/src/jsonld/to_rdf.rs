//! Node Map Generation and Deserialize JSON-LD to RDF (JSON-LD 1.1 API 7.1, 8.1), in jsonld.js
//! order and blank node labelling, in time linear in the document, under the call's work meter
//! and quad limit. In safe mode a triple the algorithm would drop (a relative or ill-formed IRI,
//! a blank node predicate, an ill-formed language tag) is an error instead.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::{IriPosition, JsonLdError};
use super::expand::{is_list, is_subject, is_value, MAX_DEPTH};
use super::hash::{KeyedMap, KeyedSet};
use super::iri::{is_absolute, is_bcp47, is_blank, is_keyword, is_writable_iri};
use crate::budget::{check_count, ComplexityBound, Meter};
use crate::jcs::{canonicalize, es6_number};
use crate::rdf::{Literal, Node, Object, Quad, RDF_LANG_STRING, XSD_STRING};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const RDF_VALUE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value";
const RDF_LANGUAGE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#language";
const RDF_DIRECTION: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#direction";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
/// The namespace of `rdfDirection: i18n-datatype` literals' datatypes.
const I18N: &str = "https://www.w3.org/ns/i18n#";

/// An entry of a node's property in the node map.
#[derive(Debug)]
enum Item<'a> {
    Id(Cow<'a, str>),
    Value(&'a Map<String, Value>),
    List(Vec<Item<'a>>),
}

/// Issues `_:b0`, `_:b1`, … in first-seen order.
#[derive(Default)]
struct Issuer {
    /// Keyed hashing: the labels come from the document.
    map: KeyedMap<String, String>,
    counter: usize,
}

impl Issuer {
    fn get(&mut self, old: Option<&str>) -> String {
        if let Some(o) = old {
            if let Some(n) = self.map.get(o) {
                return n.clone();
            }
        }
        let id = format!("_:b{}", self.counter);
        self.counter += 1;
        if let Some(o) = old {
            self.map.insert(o.to_owned(), id.clone());
        }
        id
    }
}

/// A node id, graph name or property: borrowed from the expanded input, or an issued label.
type Key<'a> = Cow<'a, str>;
type NodeProps<'a> = BTreeMap<Key<'a>, Items<'a>>;
type Graph<'a> = BTreeMap<Key<'a>, NodeProps<'a>>;

struct NodeMap<'a, 'm> {
    graphs: BTreeMap<Key<'a>, Graph<'a>>,
    issuer: Issuer,
    meter: &'m Meter<'m>,
}

fn id_of(m: &Map<String, Value>) -> Option<&str> {
    m.get("@id").and_then(Value::as_str)
}

/// jsonld.js `isBlankNode` for a node object.
fn is_blank_node(m: &Map<String, Value>) -> bool {
    match m.get("@id") {
        Some(Value::String(s)) => is_blank(s),
        Some(_) => false,
        None => {
            m.is_empty()
                || !(m.contains_key("@value") || m.contains_key("@set") || m.contains_key("@list"))
        }
    }
}

/// What jsonld.js `compareValues` compares an item by: `@id`, or `@value` (numbers as f64, with
/// `===`) with `@type`, `@language` and `@index`. `None` for items equal to nothing (lists, and
/// `@json` values, which JavaScript compares by reference).
#[derive(Debug, PartialEq, Eq, Hash)]
enum ItemKey<'k> {
    Id(Cow<'k, str>),
    Value {
        value: ScalarKey<'k>,
        ty: Option<&'k str>,
        language: Option<&'k str>,
        index: Option<&'k str>,
    },
}

/// An `@value` under JavaScript's `===`.
#[derive(Debug, PartialEq, Eq, Hash)]
enum ScalarKey<'k> {
    Str(&'k str),
    /// The f64's bits, with -0 made +0 (`0 === -0`); JSON has no NaN.
    Num(u64),
    Bool(bool),
}

/// The key of `item`, borrowing from it.
fn item_key<'k>(item: &'k Item<'_>) -> Option<ItemKey<'k>> {
    match item {
        Item::Id(id) => Some(ItemKey::Id(Cow::Borrowed(id))),
        Item::Value(m) => value_key(m),
        Item::List(_) => None,
    }
}

/// The key of an item that lives as long as the expanded document.
fn owned_key<'a>(item: &Item<'a>) -> Option<ItemKey<'a>> {
    match item {
        Item::Id(id) => Some(ItemKey::Id(id.clone())),
        Item::Value(m) => value_key(m),
        Item::List(_) => None,
    }
}

fn value_key<'k>(m: &'k Map<String, Value>) -> Option<ItemKey<'k>> {
    let value = match m.get("@value")? {
        Value::String(s) => ScalarKey::Str(s),
        Value::Number(n) => ScalarKey::Num((n.as_f64()? + 0.0).to_bits()),
        Value::Bool(b) => ScalarKey::Bool(*b),
        // Null is refused by expansion; objects and arrays (`@json`) equal nothing.
        _ => return None,
    };
    // Expansion makes these strings (or leaves them out); anything else equals nothing.
    let text = |k: &str| match m.get(k) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.as_str())),
        Some(_) => None,
    };
    Some(ItemKey::Value {
        value,
        ty: text("@type")?,
        language: text("@language")?,
        index: text("@index")?,
    })
}

/// A property's items, in first-seen order, without duplicates (jsonld.js `addValue` with
/// `allowDuplicate: false`). A short list is scanned; from [`Items::SCAN`] items on, a hash set
/// of keys makes each addition O(1), so a property of n values costs O(n), not O(n²).
#[derive(Default)]
struct Items<'a> {
    list: Vec<Item<'a>>,
    /// Keyed hashing: the values come from the document.
    index: Option<KeyedSet<ItemKey<'a>>>,
}

impl<'a> Items<'a> {
    const SCAN: usize = 8;

    fn add(&mut self, item: Item<'a>) {
        if let Some(index) = self.index.as_mut() {
            if let Some(key) = owned_key(&item) {
                if !index.insert(key) {
                    return;
                }
            }
            self.list.push(item);
            return;
        }
        if let Some(key) = item_key(&item) {
            if self.list.iter().any(|i| item_key(i).as_ref() == Some(&key)) {
                return;
            }
        }
        self.list.push(item);
        if self.list.len() >= Self::SCAN {
            self.index = Some(self.list.iter().filter_map(owned_key).collect());
        }
    }
}

impl<'a> NodeMap<'a, '_> {
    /// The properties of node `name` in `graph`, created empty if new (keys are cloned only then).
    fn props(&mut self, graph: &Key<'a>, name: &Key<'a>) -> Option<&mut NodeProps<'a>> {
        if !self.graphs.contains_key(&**graph) {
            self.graphs.insert(graph.clone(), Graph::new());
        }
        let g = self.graphs.get_mut(&**graph)?;
        if !g.contains_key(&**name) {
            g.insert(name.clone(), NodeProps::new());
        }
        g.get_mut(&**name)
    }

    fn add(&mut self, graph: &Key<'a>, name: &Key<'a>, property: &Key<'a>, item: Option<Item<'a>>) {
        let Some(props) = self.props(graph, name) else {
            return;
        };
        if !props.contains_key(&**property) {
            props.insert(property.clone(), Items::default());
        }
        if let (Some(items), Some(item)) = (props.get_mut(&**property), item) {
            items.add(item);
        }
    }

    /// Node Map Generation (jsonld.js `createNodeMap`).
    fn create(
        &mut self,
        input: &'a Value,
        graph: &Key<'a>,
        name: Option<Key<'a>>,
        mut list: Option<&mut Vec<Item<'a>>>,
        depth: usize,
    ) -> Result<(), JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::TooDeep { limit: MAX_DEPTH });
        }
        self.meter.charge(1)?;
        let m = match input {
            Value::Array(items) => {
                for item in items {
                    self.create(item, graph, None, list.as_deref_mut(), depth + 1)?;
                }
                return Ok(());
            }
            Value::Object(m) => m,
            _ => return Ok(()),
        };
        if m.contains_key("@value") {
            if let Some(l) = list {
                l.push(Item::Value(m));
            }
            return Ok(());
        }
        if let Some(l) = list.as_deref_mut() {
            if let Some(inner) = m.get("@list") {
                let mut sub = Vec::new();
                self.create(inner, graph, name, Some(&mut sub), depth + 1)?;
                l.push(Item::List(sub));
                return Ok(());
            }
        }
        if let Some(Value::Array(types)) = m.get("@type") {
            for t in types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| is_blank(t))
            {
                self.issuer.get(Some(t));
            }
        }
        let name = match name {
            Some(n) => n,
            None if is_blank_node(m) => Cow::Owned(self.issuer.get(id_of(m))),
            None => Cow::Borrowed(id_of(m).unwrap_or_default()),
        };
        if let Some(l) = list {
            l.push(Item::Id(name.clone()));
        }
        self.props(graph, &name);
        let mut keys: Vec<(&'a String, &'a Value)> = m.iter().collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (property, objects) in keys {
            match property.as_str() {
                "@id" => continue,
                "@reverse" => {
                    let Value::Object(rev) = objects else {
                        continue;
                    };
                    for (rp, items) in rev {
                        for item in items.as_array().map(Vec::as_slice).unwrap_or_default() {
                            let Value::Object(im) = item else {
                                continue;
                            };
                            let item_name: Key<'a> = if is_blank_node(im) {
                                Cow::Owned(self.issuer.get(id_of(im)))
                            } else {
                                Cow::Borrowed(id_of(im).unwrap_or_default())
                            };
                            self.create(item, graph, Some(item_name.clone()), None, depth + 1)?;
                            let rp: Key<'a> = Cow::Borrowed(rp.as_str());
                            self.add(graph, &item_name, &rp, Some(Item::Id(name.clone())));
                        }
                    }
                    continue;
                }
                "@graph" => {
                    self.graphs.entry(name.clone()).or_default();
                    self.create(objects, &name, None, None, depth + 1)?;
                    continue;
                }
                "@included" => {
                    self.create(objects, graph, None, None, depth + 1)?;
                    continue;
                }
                "@type" => {}
                p if is_keyword(p) => continue,
                _ => {}
            }
            let property: Key<'a> = if is_blank(property) {
                Cow::Owned(self.issuer.get(Some(property)))
            } else {
                Cow::Borrowed(property.as_str())
            };
            let items: &'a [Value] = match objects {
                Value::Array(a) => a,
                other => std::slice::from_ref(other),
            };
            if items.is_empty() {
                self.add(graph, &name, &property, None);
                continue;
            }
            self.meter.charge(items.len() as u64)?;
            for o in items {
                if property == "@type" {
                    if let Value::String(t) = o {
                        let t: Key<'a> = if is_blank(t) {
                            Cow::Owned(self.issuer.get(Some(t)))
                        } else {
                            Cow::Borrowed(t.as_str())
                        };
                        self.add(graph, &name, &property, Some(Item::Id(t)));
                    }
                    continue;
                }
                let Value::Object(om) = o else {
                    continue;
                };
                if is_subject(o) || (om.len() == 1 && om.contains_key("@id")) {
                    if om
                        .get("@id")
                        .is_some_and(|v| v.as_str().is_none_or(str::is_empty))
                    {
                        continue;
                    }
                    let id: Key<'a> = if is_blank_node(om) {
                        Cow::Owned(self.issuer.get(id_of(om)))
                    } else {
                        Cow::Borrowed(id_of(om).unwrap_or_default())
                    };
                    self.add(graph, &name, &property, Some(Item::Id(id.clone())));
                    self.create(o, graph, Some(id), None, depth + 1)?;
                } else if is_value(o) {
                    self.add(graph, &name, &property, Some(Item::Value(om)));
                } else if is_list(o) {
                    let mut sub = Vec::new();
                    if let Some(inner) = om.get("@list") {
                        self.create(inner, graph, Some(name.clone()), Some(&mut sub), depth + 1)?;
                    }
                    self.add(graph, &name, &property, Some(Item::List(sub)));
                }
            }
        }
        Ok(())
    }
}

fn make_node(id: &str) -> Node {
    match id.strip_prefix("_:") {
        Some(label) => Node::Blank(label.to_owned()),
        None => Node::Iri(id.to_owned()),
    }
}

/// How a string with a base direction (`@direction`) becomes RDF (JSON-LD 1.1 `rdfDirection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DirectionMode {
    /// Not at all: such a value is [`JsonLdError::DirectionNotSupported`] (what jsonld.js's
    /// safe mode does with `rdfDirection` unset), rather than silently losing its direction.
    Refuse,
    /// `rdfDirection` unset outside safe mode: the direction is dropped.
    Drop,
    /// `i18n-datatype`: a literal typed `https://www.w3.org/ns/i18n#{language}_{direction}`,
    /// as the `eddsa-rdfc-2022` reference implementation canonicalizes.
    I18nDatatype,
    /// `compound-literal`: a blank node with `rdf:value`, `rdf:language` and `rdf:direction`.
    CompoundLiteral,
}

/// Deserializes an expanded document to at most `max_quads` quads, charging `meter`.
pub(crate) fn to_rdf(
    expanded: &[Value],
    meter: &Meter<'_>,
    max_quads: u64,
    direction: DirectionMode,
    safe: bool,
) -> Result<Vec<Quad>, JsonLdError> {
    let mut nm = NodeMap {
        graphs: BTreeMap::new(),
        issuer: Issuer::default(),
        meter,
    };
    let default: Key<'_> = Cow::Borrowed("@default");
    nm.graphs.insert(default.clone(), Graph::new());
    for item in expanded {
        nm.create(item, &default, None, None, 0)?;
    }
    let NodeMap {
        graphs, mut issuer, ..
    } = nm;
    let mut out = Quads {
        quads: Vec::with_capacity(32),
        max: max_quads,
        direction,
        safe,
    };
    for (graph_name, graph) in &graphs {
        let g = if graph_name == "@default" {
            None
        } else {
            if !out.iri_ok(graph_name, IriPosition::Graph)? {
                continue;
            }
            Some(make_node(graph_name))
        };
        for (id, props) in graph {
            let mut subject_checked = false;
            let subject = make_node(id);
            for (prop, items) in props {
                let items = &items.list;
                if items.is_empty() {
                    continue;
                }
                let predicate = if prop == "@type" {
                    RDF_TYPE
                } else if is_keyword(prop) {
                    continue;
                } else {
                    &**prop
                };
                if !subject_checked {
                    if !out.iri_ok(id, IriPosition::Subject)? {
                        break;
                    }
                    subject_checked = true;
                }
                if !out.iri_ok(predicate, IriPosition::Predicate)? {
                    continue;
                }
                if is_blank(predicate) {
                    if !safe {
                        continue;
                    }
                    return Err(JsonLdError::BlankNodePredicate {
                        predicate: predicate.to_owned(),
                    });
                }
                for item in items {
                    let Some(object) = object_to_rdf(item, &g, &mut issuer, &mut out)? else {
                        continue;
                    };
                    out.push(Quad {
                        subject: subject.clone(),
                        predicate: predicate.to_owned(),
                        object,
                        graph: g.clone(),
                    })?;
                }
            }
        }
    }
    Ok(out.quads)
}

/// An IRI (or blank node id) the RDF output may hold: absolute, and writable in N-Quads.
fn check_iri(iri: &str, position: IriPosition) -> Result<(), JsonLdError> {
    if !is_absolute(iri) {
        return Err(JsonLdError::RelativeIri {
            position,
            iri: iri.to_owned(),
        });
    }
    if !is_blank(iri) && !is_writable_iri(iri) {
        return Err(JsonLdError::UnwritableIri {
            position,
            iri: iri.to_owned(),
        });
    }
    Ok(())
}

/// The output dataset, refusing to grow past its limit, and how it writes directed strings.
struct Quads {
    quads: Vec<Quad>,
    max: u64,
    direction: DirectionMode,
    safe: bool,
}

impl Quads {
    /// Whether `iri` may be written: [`check_iri`], except that outside safe mode an IRI that
    /// fails it is `false` (its triple is dropped) rather than an error.
    fn iri_ok(&self, iri: &str, position: IriPosition) -> Result<bool, JsonLdError> {
        match check_iri(iri, position) {
            // An IRI has at most one fragment: `#` cannot appear in it.
            Ok(()) => Ok(self.safe || iri.matches('#').count() <= 1),
            Err(_) if !self.safe => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn push(&mut self, quad: Quad) -> Result<(), JsonLdError> {
        check_count(
            self.quads.len() as u64 + 1,
            self.max,
            ComplexityBound::Quads,
        )?;
        self.quads.push(quad);
        Ok(())
    }
}

/// The RDF object of `item`, or `None` where the algorithm drops it (outside safe mode).
fn object_to_rdf(
    item: &Item<'_>,
    g: &Option<Node>,
    issuer: &mut Issuer,
    quads: &mut Quads,
) -> Result<Option<Object>, JsonLdError> {
    match item {
        Item::Id(id) => Ok(quads
            .iri_ok(id, IriPosition::Object)?
            .then(|| Object::Node(make_node(id)))),
        Item::Value(m) => value_to_rdf(m, g, issuer, quads),
        Item::List(items) => list_to_rdf(items, g, issuer, quads).map(Some),
    }
}

/// A value object's literal, or with `compound-literal` the blank node standing for a string
/// with a direction.
fn value_to_rdf(
    m: &Map<String, Value>,
    g: &Option<Node>,
    issuer: &mut Issuer,
    quads: &mut Quads,
) -> Result<Option<Object>, JsonLdError> {
    if let Some(dt) = m.get("@type").and_then(Value::as_str) {
        if dt != "@json" && !quads.iri_ok(dt, IriPosition::Datatype)? {
            return Ok(None);
        }
    }
    if let Some(lang) = m.get("@language").and_then(Value::as_str) {
        if !quads.safe && !is_bcp47(lang) {
            return Ok(None);
        }
    }
    let direction = m.get("@direction").and_then(Value::as_str);
    if let (Some(dir), DirectionMode::CompoundLiteral, Some(Value::String(s))) =
        (direction, quads.direction, m.get("@value"))
    {
        let node = make_node(&issuer.get(None));
        let plain = |v: &str| {
            Object::Literal(Literal {
                value: v.to_owned(),
                datatype: XSD_STRING.to_owned(),
                language: None,
            })
        };
        let mut parts = vec![(RDF_VALUE, plain(s))];
        if let Some(lang) = m.get("@language").and_then(Value::as_str) {
            parts.push((RDF_LANGUAGE, plain(&lang.to_lowercase())));
        }
        parts.push((RDF_DIRECTION, plain(dir)));
        for (predicate, object) in parts {
            quads.push(Quad {
                subject: node.clone(),
                predicate: predicate.to_owned(),
                object,
                graph: g.clone(),
            })?;
        }
        return Ok(Some(Object::Node(node)));
    }
    literal(m, quads.direction).map(|l| Some(Object::Literal(l)))
}

fn list_to_rdf(
    items: &[Item<'_>],
    g: &Option<Node>,
    issuer: &mut Issuer,
    quads: &mut Quads,
) -> Result<Object, JsonLdError> {
    if items.is_empty() {
        return Ok(Object::Node(Node::Iri(RDF_NIL.to_owned())));
    }
    let head = make_node(&issuer.get(None));
    let mut subject = head.clone();
    let n = items.len();
    for (i, item) in items.iter().enumerate() {
        let object = object_to_rdf(item, g, issuer, quads)?;
        let next = if i + 1 < n {
            make_node(&issuer.get(None))
        } else {
            Node::Iri(RDF_NIL.to_owned())
        };
        if let Some(object) = object {
            quads.push(Quad {
                subject: subject.clone(),
                predicate: RDF_FIRST.to_owned(),
                object,
                graph: g.clone(),
            })?;
        }
        quads.push(Quad {
            subject: subject.clone(),
            predicate: RDF_REST.to_owned(),
            object: Object::Node(next.clone()),
            graph: g.clone(),
        })?;
        subject = next;
    }
    Ok(Object::Node(head))
}

fn literal(m: &Map<String, Value>, direction: DirectionMode) -> Result<Literal, JsonLdError> {
    let value = m.get("@value").unwrap_or(&Value::Null);
    let datatype = m.get("@type").and_then(Value::as_str);
    let lit = |value: String, dt: &str| Literal {
        value,
        datatype: dt.to_owned(),
        language: None,
    };
    if datatype == Some("@json") {
        return Ok(lit(canonicalize(value)?, RDF_JSON));
    }
    // The datatype IRI was checked by `value_to_rdf`.
    match value {
        Value::Bool(b) => Ok(lit(b.to_string(), datatype.unwrap_or(XSD_BOOLEAN))),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if is_double(f) || datatype == Some(XSD_DOUBLE) {
                Ok(lit(canonical_double(f), datatype.unwrap_or(XSD_DOUBLE)))
            } else {
                let text = if f == 0.0 {
                    "0".to_owned()
                } else {
                    format!("{f:.0}")
                };
                Ok(lit(text, datatype.unwrap_or(XSD_INTEGER)))
            }
        }
        Value::String(s) if datatype == Some(XSD_DOUBLE) => {
            Ok(lit(canonical_double(parse_float(s)), XSD_DOUBLE))
        }
        Value::String(s) => {
            // With the direction dropped (`Drop`), the string is written as it would be without.
            match (m.get("@direction"), direction) {
                (None, _) | (Some(_), DirectionMode::Drop) => {}
                (Some(Value::String(dir)), DirectionMode::I18nDatatype)
                | (Some(Value::String(dir)), DirectionMode::CompoundLiteral) => {
                    let language = m
                        .get("@language")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_lowercase();
                    return Ok(lit(s.clone(), &format!("{I18N}{language}_{dir}")));
                }
                (Some(_), _) => return Err(JsonLdError::DirectionNotSupported),
            }
            match m.get("@language").and_then(Value::as_str) {
                Some(lang) => Ok(Literal {
                    value: s.clone(),
                    datatype: datatype.unwrap_or(RDF_LANG_STRING).to_owned(),
                    language: Some(lang.to_owned()),
                }),
                None => Ok(lit(s.clone(), datatype.unwrap_or(XSD_STRING))),
            }
        }
        _ => Err(JsonLdError::InvalidValueObject),
    }
}

/// jsonld.js `isDouble`: `String(v)` has a `.`, or `|v| >= 1e21`.
fn is_double(f: f64) -> bool {
    !f.is_finite() || f.abs() >= 1e21 || es6_number(f).contains('.')
}

/// `v.toExponential(15).replace(/(\d)0*e\+?/, '$1E')`.
pub(crate) fn canonical_double(f: f64) -> String {
    if !f.is_finite() {
        return es6_number(f);
    }
    let (digits, exp) = to_exponential_15(f.abs());
    let (int, frac) = digits.split_at(1);
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() { "0" } else { frac };
    let sign = if f.is_sign_negative() { "-" } else { "" };
    format!("{sign}{int}.{frac}E{exp}")
}

/// The 16 significant digits and the exponent of JavaScript's `x.toExponential(15)` for a finite
/// `x >= 0`: `x` rounded to 16 digits, a tie going to the larger (ECMA-262, "pick the e and n for
/// which n × 10^(e–f) is larger"). Rust's `{:.15e}` rounds a tie to even, and a double such as
/// 919991949087547.25 is one exactly, so the digits are rounded here from the exact expansion.
fn to_exponential_15(x: f64) -> (String, i32) {
    // 41 digits tell where x lies against the tie unless the 25 after the 16th read as one
    // (5000… or 4999…); then the exact expansion decides (a double has at most 767 digits).
    let (mut digits, mut exp) = decimal_digits(x, 40);
    let ambiguous = |tail: &[u8]| {
        matches!(tail.split_first(), Some((b'5', rest)) if rest.iter().all(|&d| d == b'0'))
            || matches!(tail.split_first(), Some((b'4', rest)) if rest.iter().all(|&d| d == b'9'))
    };
    if digits.get(16..).is_some_and(ambiguous) {
        (digits, exp) = decimal_digits(x, 800);
    }
    let round_up = digits.get(16).is_some_and(|&d| d >= b'5');
    digits.truncate(16);
    if round_up {
        let mut carry = true;
        for d in digits.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            digits.insert(0, b'1');
            digits.truncate(16);
            exp += 1;
        }
    }
    (String::from_utf8_lossy(&digits).into_owned(), exp)
}

/// The first `precision + 1` significant decimal digits of `x` (Rust's exact formatting) and its
/// decimal exponent.
fn decimal_digits(x: f64, precision: usize) -> (Vec<u8>, i32) {
    let text = format!("{x:.precision$e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// JavaScript `parseFloat`: the longest numeric prefix, else NaN.
fn parse_float(s: &str) -> f64 {
    let t = s.trim_start();
    if let Some(r) = t.strip_prefix('-') {
        if r.starts_with("Infinity") {
            return f64::NEG_INFINITY;
        }
    }
    if t.strip_prefix('+').unwrap_or(t).starts_with("Infinity") {
        return f64::INFINITY;
    }
    let end = t
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    (1..=end)
        .rev()
        .filter_map(|i| t.get(..i))
        .find_map(|p| p.parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: &Value) -> &Map<String, Value> {
        v.as_object().unwrap()
    }

    /// The old quadratic `add_unique`, kept as the reference for the linear one.
    fn reference<'a>(items: &[Item<'a>]) -> Vec<String> {
        fn same_value(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
            let strict = |x: Option<&Value>, y: Option<&Value>| match (x, y) {
                (Some(Value::Number(p)), Some(Value::Number(q))) => p.as_f64() == q.as_f64(),
                (Some(Value::Object(_) | Value::Array(_)), _) => false,
                (x, y) => x == y,
            };
            strict(a.get("@value"), b.get("@value"))
                && a.get("@type") == b.get("@type")
                && a.get("@language") == b.get("@language")
                && a.get("@index") == b.get("@index")
        }
        let mut out: Vec<&Item<'a>> = Vec::new();
        for item in items {
            let dup = match item {
                Item::Id(id) => out
                    .iter()
                    .any(|i| matches!(i, Item::Id(other) if other == id)),
                Item::Value(v) => out
                    .iter()
                    .any(|i| matches!(i, Item::Value(other) if same_value(v, other))),
                Item::List(_) => false,
            };
            if !dup {
                out.push(item);
            }
        }
        out.iter().map(|i| format!("{i:?}")).collect()
    }

    #[test]
    fn dedupe_is_jsonld_js_equality_in_first_seen_order() {
        let values = [
            json!({"@value": 1}),
            json!({"@value": 1.0}),
            json!({"@value": -0.0}),
            json!({"@value": 0}),
            json!({"@value": "1"}),
            json!({"@value": true}),
            json!({"@value": true}),
            json!({"@value": "1", "@language": "en"}),
            json!({"@value": "1", "@language": "en"}),
            json!({"@value": "1", "@type": "urn:t"}),
            json!({"@value": "1", "@index": "i"}),
            json!({"@value": {"a": 1}, "@type": "@json"}),
            json!({"@value": {"a": 1}, "@type": "@json"}),
            json!({"@value": 2e0}),
            json!({"@value": 2}),
        ];
        let ids = ["_:b0", "urn:x", "_:b0", "urn:y", "urn:x"];
        let mut items: Vec<Item<'_>> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            items.push(Item::Value(object(v)));
            if let Some(id) = ids.get(i % ids.len()) {
                items.push(Item::Id(Cow::Owned((*id).to_owned())));
            }
        }
        items.push(Item::List(Vec::new()));
        items.push(Item::List(Vec::new()));
        // Short lists are scanned, long ones indexed: both must give the reference result, for
        // every prefix (so every switch-over point is covered).
        for n in 0..=items.len() {
            let mut ours = Items::default();
            for item in &items[..n] {
                ours.add(match item {
                    Item::Id(id) => Item::Id(id.clone()),
                    Item::Value(m) => Item::Value(m),
                    Item::List(_) => Item::List(Vec::new()),
                });
            }
            let got: Vec<String> = ours.list.iter().map(|i| format!("{i:?}")).collect();
            assert_eq!(got, reference(&items[..n]), "first {n} items");
        }
        let mut all = Items::default();
        for v in &values {
            all.add(Item::Value(object(v)));
        }
        // 1 (=1.0), -0 (=0), "1", true, "1"@en, "1"^^t, "1" index i, two @json, 2 (=2.0).
        assert_eq!(all.list.len(), 10);
    }

    #[test]
    fn doubles_are_canonical() {
        assert_eq!(canonical_double(1.1), "1.1E0");
        assert_eq!(canonical_double(1.0), "1.0E0");
        assert_eq!(canonical_double(1e21), "1.0E21");
        assert_eq!(canonical_double(-1.5e-7), "-1.5E-7");
        assert_eq!(canonical_double(123.456), "1.23456E2");
        assert_eq!(canonical_double(0.1), "1.0E-1");
        assert_eq!(canonical_double(1e23), "9.999999999999999E22");
        assert_eq!(canonical_double(5e-324), "4.940656458412465E-324");
    }

    /// Found by the differential test against jsonld.js: doubles exactly halfway at the 16th
    /// digit round up in JavaScript (toExponential), not to even.
    #[test]
    fn a_tie_at_the_sixteenth_digit_rounds_as_javascript_does() {
        assert_eq!(
            canonical_double(919_991_949_087_547.2),
            "9.199919490875473E14"
        );
        assert_eq!(
            canonical_double(58_449_784_324_297.625),
            "5.844978432429763E13"
        );
        assert_eq!(
            canonical_double(-3_430_349_417_792_286.5),
            "-3.430349417792287E15"
        );
        // Not ties: the nearest 16 digits, as before.
        assert_eq!(canonical_double(0.3), "3.0E-1");
        assert_eq!(canonical_double(2.0 / 3.0), "6.666666666666666E-1");
        assert_eq!(canonical_double(1.0 / 3.0), "3.333333333333333E-1");
    }

    #[test]
    fn double_detection_matches_jsonld_js() {
        assert!(is_double(1.5));
        assert!(is_double(1e21));
        assert!(!is_double(5.0));
        // String(1e-7) is "1e-7": no dot, so jsonld.js treats it as an integer.
        assert!(!is_double(1e-7));
        assert!(is_double(1.5e-7));
    }

    #[test]
    fn parse_float_like_js() {
        assert_eq!(parse_float("1.5abc"), 1.5);
        assert_eq!(parse_float("  2e3"), 2000.0);
        assert!(parse_float("abc").is_nan());
        assert_eq!(parse_float("-Infinity"), f64::NEG_INFINITY);
    }
}

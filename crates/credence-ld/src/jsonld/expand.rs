//! The Expansion algorithm (JSON-LD 1.1 API section 13), following jsonld.js, with safe mode as a
//! layer: where the algorithm drops a key or value, safe mode refuses the document instead.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::context::{container, ActiveContext, Flags, Session};
use super::error::{DroppedKind, JsonLdError};
use super::iri::{is_absolute, is_bcp47, is_keyword};
use super::pinned::PinnedIris;

/// Deepest document nesting expanded.
pub(crate) const MAX_DEPTH: usize = 256;

type Ctx = Arc<ActiveContext>;

const EMBEDDED: Flags = Flags {
    propagate: true,
    override_protected: false,
};
const PROPERTY_SCOPED: Flags = Flags {
    propagate: true,
    override_protected: true,
};
const TYPE_SCOPED: Flags = Flags {
    propagate: false,
    override_protected: false,
};

/// Expands documents against contexts from one processor.
pub(crate) struct Expander<'p> {
    /// The call's contexts and work meter.
    pub(crate) procr: &'p Session<'p>,
    /// A key of the top-level object to leave out, as if it were absent (`proof`).
    pub(crate) omit: Option<&'p str>,
    /// When set, keys must name the pinned contexts' IRIs by their pinned terms (see
    /// [`PinnedIris`]); credentials are expanded this way.
    pub(crate) pinned: Option<&'p PinnedIris>,
    /// Safe mode: what the algorithm would drop is an error instead.
    pub(crate) safe: bool,
}

/// Keywords a credential may use as keys directly: the parts of value, list and set objects.
/// Node-level keywords (`@id`, `@type`, `@graph`, `@included`, `@reverse`, `@nest`) have pinned
/// aliases or no place in a credential.
const VALUE_KEYWORDS: [&str; 6] = [
    "@value",
    "@language",
    "@direction",
    "@index",
    "@list",
    "@set",
];

fn too_deep() -> JsonLdError {
    JsonLdError::TooDeep { limit: MAX_DEPTH }
}

impl Expander<'_> {
    /// Expands a whole document into an array of node objects.
    pub(crate) fn expand_document(
        &self,
        doc: &Value,
        expand_context: Option<&Value>,
    ) -> Result<Vec<Value>, JsonLdError> {
        let mut ctx = self.procr.initial().clone();
        if let Some(local) = expand_context {
            let local = match local {
                Value::Object(m) => m.get("@context").unwrap_or(local),
                other => other,
            };
            ctx = self.procr.apply_inline(&ctx, local, EMBEDDED)?;
        }
        let expanded = self.expand(&ctx, None, doc, false, false, None, 0)?;
        let out = match expanded {
            Some(Value::Object(mut m)) if m.len() == 1 && m.contains_key("@graph") => {
                m.remove("@graph").unwrap_or(Value::Null)
            }
            Some(v) => v,
            None => Value::Null,
        };
        Ok(match out {
            Value::Array(a) => a,
            Value::Null => Vec::new(),
            other => vec![other],
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn expand(
        &self,
        ctx: &Ctx,
        ap: Option<&str>,
        element: &Value,
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Ctx>,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        self.procr.charge(1)?;
        match element {
            Value::Null => Ok(None),
            Value::Array(items) => {
                let cont = ap.and_then(|p| ctx.term(p)).map_or(0, |t| t.container);
                let inside_list = inside_list || cont & container::LIST != 0;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let e =
                        self.expand(ctx, ap, item, false, inside_index, type_scoped, depth + 1)?;
                    match e {
                        None => {}
                        Some(Value::Array(a)) if inside_list => out.push(list_object(a)),
                        Some(Value::Array(a)) => out.extend(a),
                        Some(v) => out.push(v),
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            Value::Object(map) => {
                self.expand_map(ctx, ap, map, inside_list, inside_index, type_scoped, depth)
            }
            scalar => {
                let ep = ap.and_then(|p| ctx.expand_iri(p, true, false));
                if !inside_list && (ap.is_none() || ep.as_deref() == Some("@graph")) {
                    if !self.safe {
                        return Ok(None);
                    }
                    return Err(JsonLdError::FreeFloatingScalar);
                }
                self.expand_value(ctx, ap, scalar).map(Some)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_map(
        &self,
        ctx_in: &Ctx,
        ap: Option<&str>,
        element: &Map<String, Value>,
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Ctx>,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        let mut ctx: Ctx = ctx_in.clone();
        let expanded_ap: Option<Cow<'_, str>> = ap.and_then(|p| ctx_in.expand_iri(p, true, false));
        let property_scoped = ap
            .and_then(|p| ctx_in.term(p))
            .and_then(|t| t.context.clone());
        let type_scoped: Option<Ctx> = type_scoped
            .cloned()
            .or_else(|| ctx.previous.is_some().then(|| ctx.clone()));
        let omit = if depth == 0 { self.omit } else { None };
        let mut entries: Vec<(&String, &Value)> = element
            .iter()
            .filter(|(k, _)| Some(k.as_str()) != omit)
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));

        let mut must_revert = !inside_index;
        if must_revert {
            if let Some(ts) = &type_scoped {
                if entries.len() <= 2 && !element.contains_key("@context") {
                    for (k, _) in &entries {
                        let ep = ts.expand_iri(k, true, false);
                        if ep.as_deref() == Some("@value") {
                            must_revert = false;
                            ctx = ts.clone();
                            break;
                        }
                        if ep.as_deref() == Some("@id") && entries.len() == 1 {
                            must_revert = false;
                            break;
                        }
                    }
                }
            }
        }
        if must_revert {
            if let Some(prev) = ctx.previous.clone() {
                ctx = prev;
            }
        }
        if let Some(sc) = property_scoped {
            ctx = self.procr.apply_scoped(&ctx, &sc, PROPERTY_SCOPED)?;
        }
        if let Some(local) = element.get("@context") {
            ctx = self.procr.apply_inline(&ctx, local, EMBEDDED)?;
        }
        let type_scoped_ctx = ctx.clone();
        let mut type_key: Option<&str> = None;
        for (k, v) in &entries {
            if ctx.expand_iri(k, true, false).as_deref() != Some("@type") {
                continue;
            }
            type_key.get_or_insert(k.as_str());
            let mut types: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if types.len() > 1 {
                types.sort_unstable();
            }
            for t in types {
                if let Some(sc) = type_scoped_ctx.term(t).and_then(|td| td.context.clone()) {
                    ctx = self.procr.apply_scoped(&ctx, &sc, TYPE_SCOPED)?;
                }
            }
        }

        let mut result = Map::new();
        self.expand_object(
            &ctx,
            ap,
            expanded_ap.as_deref(),
            &entries,
            &mut result,
            type_key,
            &type_scoped_ctx,
            depth,
        )?;

        let count = result.len();
        let mut out = if result.contains_key("@value") {
            match check_value_object(&result, count) {
                Err(JsonLdError::NullValue) if !self.safe => return Ok(None),
                other => other?,
            }
            Value::Object(result)
        } else if let Some(t) = result.get_mut("@type") {
            if !t.is_array() {
                let single = t.take();
                *t = Value::Array(vec![single]);
            }
            Value::Object(result)
        } else if result.contains_key("@set") || result.contains_key("@list") {
            if count > 1 && !(count == 2 && result.contains_key("@index")) {
                return Err(JsonLdError::InvalidSetOrList);
            }
            match result.remove("@set") {
                Some(set) => set,
                None => Value::Object(result),
            }
        } else if count == 1 && result.contains_key("@language") {
            if !self.safe {
                return Ok(None);
            }
            return Err(JsonLdError::DroppedObject {
                kind: DroppedKind::OnlyLanguage,
            });
        } else {
            Value::Object(result)
        };

        if let Value::Object(r) = &mut out {
            if !r.contains_key("@value") {
                for kw in ["@language", "@direction"] {
                    if r.contains_key(kw) {
                        return Err(JsonLdError::UnexpectedKeyword { key: kw.to_owned() });
                    }
                }
            }
            let graph_container = ap
                .and_then(|p| ctx.term(p))
                .is_some_and(|t| t.container & container::GRAPH != 0);
            if !self.safe {
                if !inside_list
                    && (ap.is_none() || expanded_ap.as_deref() == Some("@graph"))
                    && check_not_dropped(r).is_err()
                {
                    return Ok(None);
                }
            } else if !inside_list
                && (ap.is_none() || expanded_ap.as_deref() == Some("@graph") || graph_container)
            {
                check_not_dropped(r)?;
            }
        }
        Ok(Some(out))
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_object(
        &self,
        ctx: &Ctx,
        ap: Option<&str>,
        expanded_ap: Option<&str>,
        entries: &[(&String, &Value)],
        result: &mut Map<String, Value>,
        type_key: Option<&str>,
        type_scoped_ctx: &Ctx,
        depth: usize,
    ) -> Result<(), JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let is_json_type = type_key
            .and_then(|k| entries.iter().find(|(ek, _)| ek.as_str() == k))
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.as_str()),
                Value::Array(a) => a.first().and_then(Value::as_str),
                _ => None,
            })
            .is_some_and(|t| ctx.expand_iri(t, true, true).as_deref() == Some("@json"));
        let mut nests: Vec<(&str, &Value)> = Vec::new();
        let mut unexpanded_value: Option<&Value> = None;

        for &(key, value) in entries {
            if key == "@context" {
                continue;
            }
            let ep = match ctx.expand_iri(key, true, false) {
                Some(e) if is_absolute(&e) || is_keyword(&e) => e,
                _ if !self.safe => continue,
                _ => return Err(JsonLdError::InvalidProperty { key: key.clone() }),
            };
            let ep_str: &str = &ep;
            if let Some(pinned) = self.pinned {
                check_pinned_key(ctx, pinned, key, ep_str, entries)?;
            }
            if is_keyword(ep_str) {
                if expanded_ap == Some("@reverse") {
                    return Err(JsonLdError::InvalidReversePropertyMap);
                }
                if result.contains_key(ep_str) && ep_str != "@included" && ep_str != "@type" {
                    return Err(JsonLdError::CollidingKeywords {
                        keyword: ep_str.to_owned(),
                    });
                }
            }
            match ep_str {
                "@id" => {
                    let Value::String(s) = value else {
                        return Err(JsonLdError::InvalidIdValue);
                    };
                    match ctx.expand_iri(s, false, true) {
                        None if !self.safe => {
                            result.insert("@id".to_owned(), Value::Null);
                        }
                        None => return Err(JsonLdError::ReservedId { id: s.clone() }),
                        Some(e) if self.safe && !is_absolute(&e) => {
                            return Err(JsonLdError::RelativeId { id: s.clone() })
                        }
                        Some(e) => {
                            result.insert("@id".to_owned(), Value::String(e.into_owned()));
                        }
                    }
                    continue;
                }
                "@type" => {
                    let raw: Vec<&str> = match value {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => a
                            .iter()
                            .map(|v| v.as_str().ok_or(JsonLdError::InvalidTypeValue))
                            .collect::<Result<_, _>>()?,
                        _ => return Err(JsonLdError::InvalidTypeValue),
                    };
                    self.procr.charge(raw.len() as u64)?;
                    for t in raw {
                        let e = match type_scoped_ctx.expand_iri(t, true, true) {
                            Some(e) if e == "@json" || is_absolute(&e) => e.into_owned(),
                            Some(e) if !self.safe => e.into_owned(),
                            _ => {
                                return Err(JsonLdError::RelativeType {
                                    value: t.to_owned(),
                                })
                            }
                        };
                        add_value(result, "@type", Value::String(e), false);
                    }
                    continue;
                }
                "@included" => {
                    // A value the expansion drops is no node object either.
                    let r = self
                        .expand(ctx, ap, value, false, false, None, depth + 1)?
                        .ok_or(JsonLdError::InvalidIncludedValue)?;
                    let items = as_array(r);
                    if !items.iter().all(is_subject) {
                        return Err(JsonLdError::InvalidIncludedValue);
                    }
                    add_value(result, "@included", Value::Array(items), true);
                    continue;
                }
                "@graph" if !(value.is_object() || value.is_array()) => {
                    return Err(JsonLdError::InvalidGraphValue);
                }
                "@value" => {
                    unexpanded_value = Some(value);
                    if !is_json_type && (value.is_array() || value.is_object()) {
                        return Err(JsonLdError::InvalidValueObjectValue);
                    }
                    if self.safe {
                        exact(value)?;
                    }
                    result.insert("@value".to_owned(), value.clone());
                    continue;
                }
                "@language" => {
                    match value {
                        Value::Null => {}
                        Value::String(s) => {
                            if self.safe && !is_bcp47(s) {
                                return Err(JsonLdError::InvalidLanguageTag { value: s.clone() });
                            }
                            result.insert("@language".to_owned(), Value::String(s.to_lowercase()));
                        }
                        other => {
                            return Err(JsonLdError::InvalidLanguageTag {
                                value: other.to_string(),
                            })
                        }
                    }
                    continue;
                }
                "@direction" => {
                    match value.as_str() {
                        Some(d @ ("ltr" | "rtl")) => {
                            result.insert("@direction".to_owned(), Value::String(d.to_owned()));
                        }
                        _ => return Err(JsonLdError::InvalidBaseDirection),
                    }
                    continue;
                }
                "@index" => {
                    if !value.is_string() {
                        return Err(JsonLdError::InvalidIndexValue);
                    }
                    result.insert("@index".to_owned(), value.clone());
                    continue;
                }
                "@reverse" => {
                    if !value.is_object() {
                        return Err(JsonLdError::InvalidReverseKeywordValue);
                    }
                    let r =
                        self.expand(ctx, Some("@reverse"), value, false, false, None, depth + 1)?;
                    let Some(Value::Object(mut rmap)) = r else {
                        continue;
                    };
                    if let Some(Value::Object(double)) = rmap.remove("@reverse") {
                        for (p, items) in double {
                            add_value(result, &p, items, true);
                        }
                    }
                    if !rmap.is_empty() {
                        let mut rev = take_reverse_map(result);
                        for (p, items) in rmap {
                            if !rev.contains_key(&p) {
                                rev.insert(p.clone(), Value::Array(Vec::new()));
                            }
                            for item in as_array(items) {
                                if is_value(&item) || is_list(&item) {
                                    return Err(JsonLdError::InvalidReverseValue);
                                }
                                add_value(&mut rev, &p, item, true);
                            }
                        }
                        result.insert("@reverse".to_owned(), Value::Object(rev));
                    }
                    continue;
                }
                "@nest" => {
                    nests.push((key.as_str(), value));
                    continue;
                }
                "@list" | "@set" | "@graph" => {}
                k if is_keyword(k) => {
                    return Err(JsonLdError::UnexpectedKeyword { key: key.clone() });
                }
                _ => {}
            }

            // A property (or @list / @set / @graph).
            let td = ctx.term(key);
            let term_ctx: Ctx = match td.and_then(|t| t.context.as_ref()) {
                Some(sc) => self.procr.apply_scoped(ctx, sc, PROPERTY_SCOPED)?,
                None => ctx.clone(),
            };
            let cont = td.map_or(0, |t| t.container);
            let expanded = match value {
                Value::Object(vm) if cont & container::LANGUAGE != 0 => {
                    let dir = match term_ctx.term(key).and_then(|t| t.direction) {
                        Some(d) => d,
                        None => term_ctx.direction,
                    };
                    let map =
                        expand_language_map(&term_ctx, vm, dir.map(|d| d.as_str()), self.safe)?;
                    self.procr
                        .charge(map.as_array().map_or(0, |a| a.len() as u64))?;
                    Some(map)
                }
                Value::Object(vm)
                    if cont & (container::INDEX | container::ID | container::TYPE) != 0 =>
                {
                    let as_graph = cont & container::GRAPH != 0;
                    let (index_key, property_index) = if cont & container::INDEX != 0 {
                        match term_ctx.term(key).and_then(|t| t.index.as_deref()) {
                            Some(ik) => (
                                ik.to_owned(),
                                ctx.expand_iri(ik, true, false).map(Cow::into_owned),
                            ),
                            None => ("@index".to_owned(), None),
                        }
                    } else if cont & container::ID != 0 {
                        ("@id".to_owned(), None)
                    } else {
                        ("@type".to_owned(), None)
                    };
                    let map_ctx = if index_key == "@type" {
                        term_ctx
                            .previous
                            .clone()
                            .unwrap_or_else(|| term_ctx.clone())
                    } else {
                        term_ctx.clone()
                    };
                    Some(self.expand_index_map(
                        map_ctx,
                        key,
                        vm,
                        as_graph,
                        &index_key,
                        property_index.as_deref(),
                        depth,
                    )?)
                }
                _ => {
                    let is_list_kw = ep_str == "@list";
                    if is_list_kw || ep_str == "@set" {
                        let next_ap = if is_list_kw && expanded_ap == Some("@graph") {
                            None
                        } else {
                            ap
                        };
                        self.expand(
                            &term_ctx,
                            next_ap,
                            value,
                            is_list_kw,
                            false,
                            None,
                            depth + 1,
                        )?
                    } else if td.and_then(|t| t.type_mapping.as_deref()) == Some("@json") {
                        let mut m = Map::new();
                        m.insert("@type".to_owned(), Value::String("@json".to_owned()));
                        m.insert("@value".to_owned(), value.clone());
                        Some(Value::Object(m))
                    } else {
                        self.expand(&term_ctx, Some(key), value, false, false, None, depth + 1)?
                    }
                }
            };
            let Some(mut ev) = expanded else {
                continue;
            };
            if ep_str != "@list" && !is_list(&ev) && cont & container::LIST != 0 {
                ev = list_object(as_array(ev));
            }
            if cont & container::GRAPH != 0 && cont & (container::ID | container::INDEX) == 0 {
                let items = as_array(ev);
                for item in &items {
                    if let (Value::Object(m), true) = (item, self.safe) {
                        check_not_dropped(m)?;
                    }
                }
                if items.is_empty() {
                    continue;
                }
                ev = Value::Array(
                    items
                        .into_iter()
                        .map(|v| {
                            let mut g = Map::new();
                            g.insert("@graph".to_owned(), Value::Array(as_array(v)));
                            Value::Object(g)
                        })
                        .collect(),
                );
            }
            if term_ctx.term(key).is_some_and(|t| t.reverse) {
                let mut rev = take_reverse_map(result);
                for item in as_array(ev) {
                    if is_value(&item) || is_list(&item) {
                        return Err(JsonLdError::InvalidReverseValue);
                    }
                    add_value(&mut rev, ep_str, item, true);
                }
                result.insert("@reverse".to_owned(), Value::Object(rev));
                continue;
            }
            add_value(result, ep_str, ev, true);
        }

        if result.contains_key("@value")
            && result.get("@type").and_then(Value::as_str) != Some("@json")
            && unexpanded_value.is_some_and(|v| v.is_array() || v.is_object())
        {
            return Err(JsonLdError::InvalidValueObjectValue);
        }

        for (nest_key, nv) in nests {
            // A nesting key's own scoped context applies to what it nests.
            let nest_ctx = match ctx.term(nest_key).and_then(|t| t.context.as_ref()) {
                Some(sc) => self.procr.apply_scoped(ctx, sc, PROPERTY_SCOPED)?,
                None => ctx.clone(),
            };
            let items: &[Value] = match nv {
                Value::Array(a) => a,
                other => std::slice::from_ref(other),
            };
            for item in items {
                let Value::Object(m) = item else {
                    return Err(JsonLdError::InvalidNestValue);
                };
                if m.keys()
                    .any(|k| nest_ctx.expand_iri(k, true, false).as_deref() == Some("@value"))
                {
                    return Err(JsonLdError::InvalidNestValue);
                }
                let mut nested: Vec<(&String, &Value)> = m.iter().collect();
                nested.sort_unstable_by(|a, b| a.0.cmp(b.0));
                self.expand_object(
                    &nest_ctx,
                    ap,
                    expanded_ap,
                    &nested,
                    result,
                    type_key,
                    type_scoped_ctx,
                    depth + 1,
                )?;
            }
        }
        Ok(())
    }

    fn expand_value(
        &self,
        ctx: &ActiveContext,
        ap: Option<&str>,
        value: &Value,
    ) -> Result<Value, JsonLdError> {
        expand_value(ctx, ap, value, self.safe)
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_index_map(
        &self,
        mut ctx: Ctx,
        ap: &str,
        value: &Map<String, Value>,
        as_graph: bool,
        index_key: &str,
        property_index: Option<&str>,
        depth: usize,
    ) -> Result<Value, JsonLdError> {
        let mut out = Vec::new();
        let is_type = index_key == "@type";
        let mut entries: Vec<(&String, &Value)> = value.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (k, v) in entries {
            if is_type {
                if let Some(sc) = ctx.term(k).and_then(|t| t.context.clone()) {
                    ctx = self.procr.apply_scoped(&ctx, &sc, TYPE_SCOPED)?;
                }
            }
            let wrapped;
            let v = if v.is_array() {
                v
            } else {
                wrapped = Value::Array(vec![v.clone()]);
                &wrapped
            };
            let items = as_array(
                self.expand(&ctx, Some(ap), v, false, true, None, depth + 1)?
                    .unwrap_or(Value::Null),
            );
            let expanded_key: Option<Value> = match property_index {
                Some(_) if k == "@none" => Some(Value::String("@none".to_owned())),
                Some(_) => {
                    Some(self.expand_value(&ctx, Some(index_key), &Value::String(k.clone()))?)
                }
                None => ctx
                    .expand_iri(k, true, false)
                    .map(|e| Value::String(e.into_owned())),
            };
            let is_none = expanded_key.as_ref().and_then(Value::as_str) == Some("@none");
            let key_out: Value = if index_key == "@id" {
                match ctx.expand_iri(k, false, true) {
                    Some(e) => Value::String(e.into_owned()),
                    None => return Err(JsonLdError::ReservedId { id: k.clone() }),
                }
            } else if is_type {
                expanded_key.clone().unwrap_or(Value::Null)
            } else {
                Value::String(k.clone())
            };
            for item in items {
                let mut item = if as_graph && !is_graph(&item) {
                    let mut g = Map::new();
                    g.insert("@graph".to_owned(), Value::Array(vec![item]));
                    Value::Object(g)
                } else {
                    item
                };
                if is_type {
                    if !is_none {
                        if let Value::Object(m) = &mut item {
                            let mut types = vec![key_out.clone()];
                            if let Some(old) = m.remove("@type") {
                                types.extend(as_array(old));
                            }
                            m.insert("@type".to_owned(), Value::Array(types));
                        }
                    }
                } else if is_value(&item) && !matches!(index_key, "@language" | "@type" | "@index")
                {
                    return Err(JsonLdError::InvalidValueObject);
                } else if let Some(pi) = property_index {
                    if !is_none {
                        if let (Value::Object(m), Some(ek)) = (&mut item, &expanded_key) {
                            let mut vals = vec![ek.clone()];
                            if let Some(old) = m.remove(pi) {
                                vals.extend(as_array(old));
                            }
                            m.insert(pi.to_owned(), Value::Array(vals));
                        }
                    }
                } else if !is_none {
                    if let Value::Object(m) = &mut item {
                        if !m.contains_key(index_key) {
                            m.insert(index_key.to_owned(), key_out.clone());
                        }
                    }
                }
                out.push(item);
            }
        }
        Ok(Value::Array(out))
    }
}

/// A credential's key must be the pinned term for what it stands for: a key that reaches a pinned
/// IRI or a keyword through anything else (an IRI, a compact IRI, an alias the document defines,
/// the keyword itself) is refused. Terms the document defines for other IRIs (extensions) pass.
fn check_pinned_key(
    ctx: &ActiveContext,
    pinned: &PinnedIris,
    key: &str,
    expanded: &str,
    entries: &[(&String, &Value)],
) -> Result<(), JsonLdError> {
    let refuse = || {
        Err(JsonLdError::AliasedTerm {
            key: key.to_owned(),
            expands_to: expanded.to_owned(),
        })
    };
    match ctx.term(key) {
        Some(td) if td.pinned => Ok(()),
        _ if is_keyword(expanded) => {
            let in_value_object = expanded == "@type"
                && entries
                    .iter()
                    .any(|(k, _)| ctx.expand_iri(k, true, false).as_deref() == Some("@value"));
            if key == expanded && (VALUE_KEYWORDS.contains(&key) || in_value_object) {
                Ok(())
            } else {
                refuse()
            }
        }
        _ if pinned.contains(expanded) => refuse(),
        _ => Ok(()),
    }
}

/// Refuses a number that a double, which RDF's literals are read through (as jsonld.js does),
/// cannot hold exactly: `9007199254740993` would become the literal of `9007199254740992`.
fn exact(value: &Value) -> Result<(), JsonLdError> {
    let Value::Number(n) = value else {
        return Ok(());
    };
    // Every integer up to 2^53 in magnitude is a double; floats are parsed to the nearest one.
    let exact = match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => i.unsigned_abs() <= 1 << 53,
        (_, Some(u)) => u <= 1 << 53,
        _ => true,
    };
    if exact {
        Ok(())
    } else {
        Err(JsonLdError::InexactNumber {
            number: n.to_string(),
        })
    }
}

/// Value Expansion (JSON-LD 1.1 API 5.3.2).
fn expand_value(
    ctx: &ActiveContext,
    ap: Option<&str>,
    value: &Value,
    safe: bool,
) -> Result<Value, JsonLdError> {
    if safe {
        exact(value)?;
    }
    let ep = ap.and_then(|p| ctx.expand_iri(p, true, false));
    let reserved = |s: &str| JsonLdError::ReservedId { id: s.to_owned() };
    match (ep.as_deref(), value) {
        (Some("@id"), Value::String(s)) => {
            return ctx
                .expand_iri(s, false, true)
                .map(|e| Value::String(e.into_owned()))
                .ok_or_else(|| reserved(s))
        }
        (Some("@type"), Value::String(s)) => {
            return ctx
                .expand_iri(s, true, true)
                .map(|e| Value::String(e.into_owned()))
                .ok_or_else(|| reserved(s))
        }
        _ => {}
    }
    let td = ap.and_then(|p| ctx.term(p));
    let ty = td.and_then(|t| t.type_mapping.as_deref());
    if let Value::String(s) = value {
        let id = if ty == Some("@id") || ep.as_deref() == Some("@graph") {
            Some(ctx.expand_iri(s, false, true).ok_or_else(|| reserved(s))?)
        } else if ty == Some("@vocab") {
            Some(ctx.expand_iri(s, true, true).ok_or_else(|| reserved(s))?)
        } else {
            None
        };
        if let Some(id) = id {
            let mut m = Map::new();
            m.insert("@id".to_owned(), Value::String(id.into_owned()));
            return Ok(Value::Object(m));
        }
    }
    if ep.as_deref().is_some_and(is_keyword) {
        return Ok(value.clone());
    }
    let mut m = Map::new();
    match ty {
        Some(t) if !matches!(t, "@id" | "@vocab" | "@none") => {
            m.insert("@type".to_owned(), Value::String(t.to_owned()));
        }
        _ if value.is_string() => {
            let lang = match td.and_then(|t| t.language.as_ref()) {
                Some(l) => l.as_deref(),
                None => ctx.language.as_deref(),
            };
            if let Some(l) = lang {
                m.insert("@language".to_owned(), Value::String(l.to_owned()));
            }
            let dir = match td.and_then(|t| t.direction) {
                Some(d) => d,
                None => ctx.direction,
            };
            if let Some(d) = dir {
                m.insert(
                    "@direction".to_owned(),
                    Value::String(d.as_str().to_owned()),
                );
            }
        }
        _ => {}
    }
    m.insert("@value".to_owned(), value.clone());
    Ok(Value::Object(m))
}

fn expand_language_map(
    ctx: &ActiveContext,
    map: &Map<String, Value>,
    direction: Option<&str>,
    safe: bool,
) -> Result<Value, JsonLdError> {
    let mut out = Vec::new();
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (k, v) in entries {
        let is_none = ctx.expand_iri(k, true, false).as_deref() == Some("@none");
        let items: &[Value] = match v {
            Value::Array(a) => a,
            other => std::slice::from_ref(other),
        };
        for item in items {
            let s = match item {
                Value::Null => continue,
                Value::String(s) => s,
                _ => return Err(JsonLdError::InvalidLanguageMapValue),
            };
            let mut m = Map::new();
            m.insert("@value".to_owned(), Value::String(s.clone()));
            if !is_none {
                if safe && !is_bcp47(k) {
                    return Err(JsonLdError::InvalidLanguageTag { value: k.clone() });
                }
                m.insert("@language".to_owned(), Value::String(k.to_lowercase()));
            }
            if let Some(d) = direction {
                m.insert("@direction".to_owned(), Value::String(d.to_owned()));
            }
            out.push(Value::Object(m));
        }
    }
    Ok(Value::Array(out))
}

fn check_value_object(result: &Map<String, Value>, count: usize) -> Result<(), JsonLdError> {
    let has = |k: &str| result.contains_key(k);
    if has("@type") && (has("@language") || has("@direction")) {
        return Err(JsonLdError::InvalidValueObject);
    }
    let allowed = 1
        + usize::from(has("@type"))
        + usize::from(has("@index"))
        + usize::from(has("@language"))
        + usize::from(has("@direction"));
    if count != allowed {
        return Err(JsonLdError::InvalidValueObject);
    }
    let ty = result.get("@type");
    if ty.and_then(Value::as_str) == Some("@json") {
        return Ok(());
    }
    let value = result.get("@value").unwrap_or(&Value::Null);
    if value.is_null() {
        return Err(JsonLdError::NullValue);
    }
    if has("@language") && !value.is_string() {
        return Err(JsonLdError::InvalidLanguageTaggedValue);
    }
    match ty {
        None => Ok(()),
        Some(Value::String(t)) if is_absolute(t) && !t.starts_with("_:") => Ok(()),
        Some(_) => Err(JsonLdError::InvalidTypedValue),
    }
}

/// Safe mode: refuse objects jsonld.js would drop at top level or in a graph.
fn check_not_dropped(m: &Map<String, Value>) -> Result<(), JsonLdError> {
    let kind = if m.is_empty() {
        DroppedKind::Empty
    } else if m.contains_key("@value") {
        DroppedKind::OnlyValue
    } else if m.contains_key("@list") {
        DroppedKind::OnlyList
    } else if m.len() == 1 && m.contains_key("@id") {
        DroppedKind::OnlyId
    } else {
        return Ok(());
    };
    Err(JsonLdError::DroppedObject { kind })
}

fn take_reverse_map(result: &mut Map<String, Value>) -> Map<String, Value> {
    match result.remove("@reverse") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// jsonld.js `addValue` with `allowDuplicate: true`.
pub(crate) fn add_value(
    obj: &mut Map<String, Value>,
    key: &str,
    value: Value,
    property_is_array: bool,
) {
    if let Value::Array(items) = value {
        if items.is_empty() && property_is_array && !obj.contains_key(key) {
            obj.insert(key.to_owned(), Value::Array(Vec::new()));
        }
        for v in items {
            add_value(obj, key, v, property_is_array);
        }
        return;
    }
    match obj.get_mut(key) {
        Some(Value::Array(a)) => a.push(value),
        Some(existing) => {
            let old = existing.take();
            *existing = Value::Array(vec![old, value]);
        }
        None => {
            let v = if property_is_array {
                Value::Array(vec![value])
            } else {
                value
            };
            obj.insert(key.to_owned(), v);
        }
    }
}

fn list_object(items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert("@list".to_owned(), Value::Array(items));
    Value::Object(m)
}

fn as_array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

pub(crate) fn is_value(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@value"))
}

pub(crate) fn is_list(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@list"))
}

fn is_graph(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.contains_key("@graph") && m.keys().filter(|k| *k != "@id" && *k != "@index").count() == 1
    })
}

/// A node object (jsonld.js `isSubject`).
pub(crate) fn is_subject(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        !(m.contains_key("@value") || m.contains_key("@set") || m.contains_key("@list"))
            && (m.len() > 1 || !m.contains_key("@id"))
    })
}

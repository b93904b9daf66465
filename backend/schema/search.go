package schema

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Match kinds besides the relation, function and type kinds.
const (
	KindSchema = "schema"
	KindColumn = "column"
	KindType   = "type"
)

// Match is one object found by Search.
type Match struct {
	// Kind is KindSchema, a relation kind (KindTable, KindView, …,
	// KindSequence), a function kind (KindFunction, KindProcedure, …),
	// KindType or KindColumn.
	Kind string `json:"kind"`
	// Schema is the object's schema (the schema itself for KindSchema).
	Schema string `json:"schema"`
	// Table is the table or view of a column; empty otherwise.
	Table string `json:"table"`
	Name  string `json:"name"`
	// Detail is a column's type or a function's identity arguments.
	Detail string `json:"detail"`
}

// entry is one searchable name.
type entry struct {
	lower string
	rank  int // kind rank: lower comes first among equal scores
	m     Match
}

// Search returns up to limit objects whose name contains text, compared
// case-insensitively: schemas, tables, views, sequences, functions, types and
// columns. Exact matches come first, then names starting with text, then
// names containing it, then names holding its letters in order (an
// abbreviation such as "ordarch" for "orders_archive"); within each group schemas, then tables and views, functions,
// types and sequences, then columns, each shorter name first. An empty text
// matches nothing; limit <= 0 means no limit. The first call builds an index
// of the cache (about as long as one search); Search is safe for concurrent
// use.
func (c *Cache) Search(text string, limit int) []Match {
	needle := strings.ToLower(strings.TrimSpace(text))
	if needle == "" {
		return []Match{}
	}
	c.searchOnce.Do(c.buildSearch)
	type hit struct {
		score int
		e     *entry
	}
	var hits []hit
	for i := range c.search {
		e := &c.search[i]
		var score int
		switch at := strings.Index(e.lower, needle); {
		case at == 0 && len(e.lower) == len(needle):
			score = 0
		case at == 0:
			score = 1
		case at > 0:
			score = 2
		case subsequence(e.lower, needle):
			score = 3
		default:
			continue
		}
		hits = append(hits, hit{score, e})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(
			cmp.Compare(a.score, b.score),
			cmp.Compare(a.e.rank, b.e.rank),
			cmp.Compare(len(a.e.m.Name), len(b.e.m.Name)),
			strings.Compare(a.e.m.Schema, b.e.m.Schema),
			strings.Compare(a.e.m.Table, b.e.m.Table),
			strings.Compare(a.e.m.Name, b.e.m.Name),
		)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Match, len(hits))
	for i, h := range hits {
		out[i] = h.e.m
	}
	return out
}

// buildSearch fills c.search.
func (c *Cache) buildSearch() {
	var es []entry
	add := func(rank int, m Match) {
		es = append(es, entry{lower: strings.ToLower(m.Name), rank: rank, m: m})
	}
	for _, s := range c.Schemas {
		add(0, Match{Kind: KindSchema, Schema: s.Name, Name: s.Name})
		for _, list := range [][]Table{s.Tables, s.Views} {
			for _, t := range list {
				add(1, Match{Kind: t.Kind, Schema: s.Name, Name: t.Name})
				for _, col := range t.Columns {
					add(4, Match{Kind: KindColumn, Schema: s.Name, Table: t.Name, Name: col.Name, Detail: col.Type})
				}
			}
		}
		for _, f := range s.Functions {
			add(2, Match{Kind: f.Kind, Schema: s.Name, Name: f.Name, Detail: f.Arguments})
		}
		for _, t := range s.Types {
			add(3, Match{Kind: KindType, Schema: s.Name, Name: t.Name, Detail: t.Kind})
		}
		for _, q := range s.Sequences {
			add(3, Match{Kind: KindSequence, Schema: s.Name, Name: q.Name})
		}
	}
	c.search = es
}

// subsequence reports whether the letters of needle appear in name in order,
// as a user abbreviates a name ("pltarget" finds "palette_target").
func subsequence(name, needle string) bool {
	for _, r := range needle {
		i := strings.IndexRune(name, r)
		if i < 0 {
			return false
		}
		name = name[i+utf8.RuneLen(r):]
	}
	return true
}

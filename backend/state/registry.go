package state

import (
	"slices"
	"sync"
)

// registry is a concurrency-safe map from id to value that lists its ids in
// sorted order. It is the one shape the state's pools, caches and queries
// share.
type registry[V any] struct {
	mu sync.RWMutex // guards m
	m  map[string]V
}

func newRegistry[V any]() *registry[V] { return &registry[V]{m: make(map[string]V)} }

// put stores v under id and returns the value it replaced, if any.
func (r *registry[V]) put(id string, v V) (old V, replaced bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old, replaced = r.m[id]
	r.m[id] = v
	return old, replaced
}

func (r *registry[V]) get(id string) (V, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.m[id]
	return v, ok
}

// take removes and returns the value under id.
func (r *registry[V]) take(id string) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[id]
	delete(r.m, id)
	return v, ok
}

// takeWhere removes and returns every value that match accepts.
func (r *registry[V]) takeWhere(match func(V) bool) []V {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []V
	for id, v := range r.m {
		if match(v) {
			out = append(out, v)
			delete(r.m, id)
		}
	}
	return out
}

func (r *registry[V]) ids() []string {
	r.mu.RLock()
	ids := make([]string, 0, len(r.m))
	for id := range r.m {
		ids = append(ids, id)
	}
	r.mu.RUnlock()
	slices.Sort(ids)
	return ids
}

func (r *registry[V]) values() []V {
	ids := r.ids()
	out := make([]V, 0, len(ids))
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, id := range ids {
		if v, ok := r.m[id]; ok {
			out = append(out, v)
		}
	}
	return out
}

func (r *registry[V]) drain() []V {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]V, 0, len(r.m))
	for id, v := range r.m {
		out = append(out, v)
		delete(r.m, id)
	}
	return out
}

// putIfAbsent stores v under id unless id is taken; it reports whether it
// stored v.
func (r *registry[V]) putIfAbsent(id string, v V) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.m[id]; taken {
		return false
	}
	r.m[id] = v
	return true
}

// takeIf removes the value under id if it is v (compared with ==).
func takeIf[V comparable](r *registry[V], id string, v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur, ok := r.m[id]; ok && cur == v {
		delete(r.m, id)
	}
}

package web

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"hash/fnv"
	"strconv"
	"sync"
)

// page is a rendered response body with its validator.
type page struct {
	body        []byte
	contentType string
	etag        string // strong, quoted
	serial      int64
	status      int // 200 unless a cached 404

	etagHeader, serialHeader, typeHeader, lengthHeader []string
}

func newPage(body []byte, contentType string, serial int64) *page {
	sum := sha256.Sum256(append([]byte(contentType+"\x00"), body...))
	p := &page{body: body, contentType: contentType, serial: serial, status: 200,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	// Header values are made once here, not on every request that is
	// served the page.
	p.etagHeader = []string{p.etag}
	p.serialHeader = []string{strconv.FormatInt(serial, 10)}
	p.typeHeader = []string{contentType}
	p.lengthHeader = []string{strconv.Itoa(len(body))}
	return p
}

// pageCache keeps rendered pages per project (and "" for the index pages),
// evicted whole when the project changes and least-recently-used beyond a
// bound. A render that began before an eviction is not stored, so a stale
// page can never outlive the change that invalidated it.
type pageCache struct {
	mu      sync.Mutex
	max     int // projects kept
	entries map[string]*list.Element
	lru     *list.List // of *cacheEntry, most recent first
	gens    map[string]uint64
	epoch   uint64         // bumped by clear; part of every project's generation
	stripes [64]sync.Mutex // render locks, chosen by a hash of the project
}

type cacheEntry struct {
	project string
	pages   map[string]*page // by format key
}

func newPageCache(maxProjects int) *pageCache {
	return &pageCache{max: maxProjects, entries: map[string]*list.Element{}, lru: list.New(),
		gens: map[string]uint64{}}
}

// get returns the cached page and the project's generation, which put needs.
func (c *pageCache) get(project, format string) (*page, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.gen(project)
	el, ok := c.entries[project]
	if !ok {
		return nil, gen
	}
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).pages[format], gen
}

// put stores p unless the project was evicted since gen was read.
func (c *pageCache) put(project, format string, gen uint64, p *page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen(project) != gen {
		return
	}
	el, ok := c.entries[project]
	if !ok {
		el = c.lru.PushFront(&cacheEntry{project: project, pages: map[string]*page{}})
		c.entries[project] = el
	}
	el.Value.(*cacheEntry).pages[format] = p
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*cacheEntry).project)
	}
}

// gen is the project's generation: it grows whenever the project or the
// whole cache is evicted, since both counters only grow. c.mu must be held.
func (c *pageCache) gen(project string) uint64 {
	return c.gens[project] + c.epoch
}

// clear drops every page and makes renders in flight not store theirs.
func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.entries = map[string]*list.Element{}
	c.lru.Init()
}

// evict drops every page of the project and bumps its generation.
func (c *pageCache) evict(project string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[project]++
	if el, ok := c.entries[project]; ok {
		c.lru.Remove(el)
		delete(c.entries, project)
	}
}

// lock serialises renders of one project, so a burst of requests after a
// change renders the page once instead of once per request.
// Locks are striped so that their number stays fixed whatever names are
// requested.
func (c *pageCache) lock(project string) func() {
	h := fnv.New32a()
	h.Write([]byte(project))
	m := &c.stripes[h.Sum32()%uint32(len(c.stripes))]
	m.Lock()
	return m.Unlock
}

// cached returns the page for (project, format), rendering it with render
// on a miss.
func (c *pageCache) cached(project, format string, render func() (*page, error)) (*page, error) {
	if p, _ := c.get(project, format); p != nil {
		return p, nil
	}
	unlock := c.lock(project)
	defer unlock()
	p, gen := c.get(project, format)
	if p != nil {
		return p, nil
	}
	p, err := render()
	if err != nil {
		return nil, err
	}
	c.put(project, format, gen, p)
	return p, nil
}

package sandbox

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Campaign API limits.
const (
	defaultPageSize = 10
	maxPageSize     = 1000
)

// campaignStore holds the campaigns registered on apigw; guarded by Sandbox.mu.
type campaignStore struct {
	byID    map[int64]*Campaign
	byAlias map[string]int64
	next    int64
}

func newCampaignStore() campaignStore {
	return campaignStore{byID: map[int64]*Campaign{}, byAlias: map[string]int64{}, next: 1}
}

func toJSON(c *Campaign) *campaignJSON {
	return &campaignJSON{Name: c.Name, ID: c.ID, Alias: c.Alias}
}

// campaignIDForAlias returns the ID of the campaign with that alias, or 0.
func (s *Sandbox) campaignIDForAliasLocked(alias string) uint32 {
	if alias == "" {
		return 0
	}
	return uint32(s.camps.byAlias[alias])
}

func (s *Sandbox) handleCampaignList(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	q := r.URL.Query()
	page, err := positiveParam(q.Get("page"), 1)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "page: "+err.Error())
		return
	}
	size, err := positiveParam(q.Get("page_size"), defaultPageSize)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "page_size: "+err.Error())
		return
	}
	size = min(size, maxPageSize)
	name := strings.ToLower(strings.TrimSpace(q.Get("name")))
	s.mu.Lock()
	all := make([]campaignJSON, 0, len(s.camps.byID))
	for _, c := range s.camps.byID {
		if name == "" || strings.Contains(strings.ToLower(c.Name), name) {
			all = append(all, *toJSON(c))
		}
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	total := len(all)
	pages := (total + size - 1) / size
	start := min((page-1)*size, total)
	end := min(start+size, total)
	h := w.Header()
	h.Set("page-number", strconv.Itoa(page))
	h.Set("per-page", strconv.Itoa(size))
	h.Set("total", strconv.Itoa(total))
	h.Set("total-pages", strconv.Itoa(pages))
	s.writeJSON(w, http.StatusOK, campaignListResponse{Campaigns: all[start:end]})
}

func positiveParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errPositive
	}
	return n, nil
}

// constError is an error that can be a constant.
type constError string

// Error returns the message.
func (e constError) Error() string { return string(e) }

const errPositive = constError("must be a positive integer")

// campaignIDFromPath parses the {id} of /api/v1/campaigns/{id} and
// /api/v1/campaign/{id}.
func campaignIDFromPath(path string) (int64, bool) {
	path = strings.TrimRight(path, "/")
	i := strings.LastIndexByte(path, '/')
	id, err := strconv.ParseInt(path[i+1:], 10, 64)
	return id, err == nil && id > 0
}

func (s *Sandbox) handleCampaignGet(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	id, ok := campaignIDFromPath(r.URL.Path)
	if !ok {
		s.writeError(w, r, http.StatusBadRequest, "campaign id must be a positive integer")
		return
	}
	s.mu.Lock()
	c, found := s.camps.byID[id]
	var cj *campaignJSON
	if found {
		cj = toJSON(c)
	}
	s.mu.Unlock()
	if !found {
		s.writeError(w, r, http.StatusNotFound, "campaign not found")
		return
	}
	s.writeJSON(w, http.StatusOK, campaignResponse{Campaign: cj})
}

// decodeCampaign reads {"campaign":{name, alias}} or {name, alias}.
func decodeCampaign(r *http.Request) (campaignFields, error) {
	var req campaignRequest
	if err := decodeJSON(r, &req); err != nil {
		return campaignFields{}, err
	}
	if req.Campaign != nil {
		return *req.Campaign, nil
	}
	return req.campaignFields, nil
}

func (s *Sandbox) handleCampaignCreate(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	f, err := decodeCampaign(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if f.Name == nil || strings.TrimSpace(*f.Name) == "" {
		s.writeError(w, r, http.StatusBadRequest, "name is required")
		return
	}
	alias := ""
	if f.Alias != nil {
		alias = strings.TrimSpace(*f.Alias)
	}
	s.mu.Lock()
	if _, dup := s.camps.byAlias[alias]; alias != "" && dup {
		s.mu.Unlock()
		s.writeError(w, r, http.StatusPreconditionFailed, "alias "+strconv.Quote(alias)+" is already in use")
		return
	}
	c := &Campaign{ID: s.camps.next, Name: strings.TrimSpace(*f.Name), Alias: alias}
	s.camps.next++
	s.camps.byID[c.ID] = c
	if alias != "" {
		s.camps.byAlias[alias] = c.ID
	}
	cj := toJSON(c)
	s.mu.Unlock()
	s.log.Info("sandbox: campaign created", "id", c.ID, "alias", alias)
	s.writeJSON(w, http.StatusCreated, campaignResponse{Campaign: cj})
}

func (s *Sandbox) handleCampaignUpdate(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	id, ok := campaignIDFromPath(r.URL.Path)
	if !ok {
		s.writeError(w, r, http.StatusBadRequest, "campaign id must be a positive integer")
		return
	}
	f, err := decodeCampaign(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if f.Name == nil || strings.TrimSpace(*f.Name) == "" {
		s.writeError(w, r, http.StatusBadRequest, "name is required")
		return
	}
	s.mu.Lock()
	c, found := s.camps.byID[id]
	if !found {
		s.mu.Unlock()
		s.writeError(w, r, http.StatusNotFound, "campaign not found")
		return
	}
	alias := c.Alias
	if f.Alias != nil {
		alias = strings.TrimSpace(*f.Alias)
	}
	if other, dup := s.camps.byAlias[alias]; alias != "" && dup && other != id {
		s.mu.Unlock()
		s.writeError(w, r, http.StatusPreconditionFailed, "alias "+strconv.Quote(alias)+" is already in use")
		return
	}
	if c.Alias != "" {
		delete(s.camps.byAlias, c.Alias)
	}
	c.Name, c.Alias = strings.TrimSpace(*f.Name), alias
	if alias != "" {
		s.camps.byAlias[alias] = id
	}
	cj := toJSON(c)
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, campaignResponse{Campaign: cj})
}

func (s *Sandbox) handleCampaignDelete(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	id, ok := campaignIDFromPath(r.URL.Path)
	if !ok {
		s.writeError(w, r, http.StatusBadRequest, "campaign id must be a positive integer")
		return
	}
	s.mu.Lock()
	c, found := s.camps.byID[id]
	if found {
		delete(s.camps.byID, id)
		if c.Alias != "" {
			delete(s.camps.byAlias, c.Alias)
		}
	}
	s.mu.Unlock()
	if !found {
		s.writeError(w, r, http.StatusNotFound, "campaign not found")
		return
	}
	s.writeJSON(w, http.StatusOK, campaignResponse{Campaign: toJSON(c)})
}

// RestoreCampaigns registers campaigns that exist already, keeping their
// ids. The console calls it at start-up with the campaigns it stores, so a
// sandbox that lives in memory keeps agreeing with the console across
// restarts; new ids continue after the highest one.
func (s *Sandbox) RestoreCampaigns(cs []Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		c := c
		if c.ID <= 0 {
			continue
		}
		s.camps.byID[c.ID] = &c
		if c.Alias != "" {
			s.camps.byAlias[c.Alias] = c.ID
		}
		if c.ID >= s.camps.next {
			s.camps.next = c.ID + 1
		}
	}
}

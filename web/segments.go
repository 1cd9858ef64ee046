package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/segment"
	"arauto/store"
	"arauto/views"
)

// The segment editor: a saved filter over the contact book, whose count
// follows the form as it is edited (htmx posts the form to preview; adding,
// removing or changing the kind of a rule re-renders the rules).

func (s *Server) segmentsPage(c *fiber.Ctx) error {
	sgs, err := s.store.Segments(c.UserContext())
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.SegmentsPage(views.SegmentsData{Segments: sgs}))
}

// segmentForm reads the editor's form: the name, the match and the rules,
// with a rule added or removed when the form asked for it.
func segmentForm(c *fiber.Ctx) (string, segment.Filter) {
	f := segment.Filter{Match: segment.All}
	if c.FormValue("match") == string(segment.Any) {
		f.Match = segment.Any
	}
	n, _ := strconv.Atoi(c.FormValue("rules"))
	n = min(max(n, 0), segment.MaxRules+1)
	for i := range n {
		v := func(name string) string { return strings.TrimSpace(c.FormValue(fmt.Sprintf("rule.%d.%s", i, name))) }
		r := segment.Rule{Kind: segment.Kind(v("kind")), Field: truncateRunes(v("field"), 60), Op: segment.Op(v("op")), Not: v("not") == "1"}
		raw := truncateRunes(v("values"), 4000)
		switch {
		case r.Kind == segment.KindAttr && r.Op != segment.In:
			if raw != "" {
				r.Values = []string{raw}
			}
		default:
			r.Values = segment.SplitValues(raw)
		}
		if r.Kind == segment.KindAttr && r.Op == "" {
			r.Op = segment.Equals
		}
		if d, err := strconv.Atoi(v("days")); err == nil {
			r.Days = d
		} else if v("days") != "" {
			r.Days = -1
		}
		f.Rules = append(f.Rules, r)
	}
	if c.FormValue("op") == "add" && len(f.Rules) < segment.MaxRules {
		f.Rules = append(f.Rules, segment.Rule{Kind: segment.KindAttr, Op: segment.Equals})
	}
	if i, err := strconv.Atoi(c.FormValue("remove")); err == nil && i >= 0 && i < len(f.Rules) {
		f.Rules = append(f.Rules[:i], f.Rules[i+1:]...)
	}
	return segment.NormalizeName(truncateRunes(c.FormValue("name"), 200)), f
}

// segmentEditor builds the editor for a filter: what the rules may name,
// the problems in the reader's words and, when there are none, the count.
func (s *Server) segmentEditor(c *fiber.Ctx, sg *segment.Segment, name string, f segment.Filter) (views.SegmentEditor, error) {
	ctx := c.UserContext()
	e := views.SegmentEditor{Segment: sg, Name: name, Filter: f, Problems: map[string]string{}, Count: -1}
	var err error
	if e.Fields, err = s.store.ContactFields(ctx); err != nil {
		return e, err
	}
	if e.Lists, err = s.listOptions(c); err != nil {
		return e, err
	}
	if e.Carriers, err = s.store.Carriers(ctx); err != nil {
		return e, err
	}
	known := segment.Known{Fields: e.Fields, Lists: map[int64]string{}}
	for _, l := range e.Lists {
		known.Lists[l.ID] = l.Name
	}
	for _, p := range f.Check(known) {
		key := strconv.Itoa(p.Rule) + ":" + p.Input
		if _, seen := e.Problems[key]; !seen {
			e.Problems[key] = tr(c, p.Key, p.Args...)
		}
	}
	if len(e.Problems) == 0 {
		start := time.Now()
		if e.Count, err = s.store.CountSegment(ctx, f, s.now().UTC()); err != nil {
			return e, err
		}
		e.CountMS = time.Since(start).Milliseconds()
	}
	return e, nil
}

func (s *Server) newSegmentPage(c *fiber.Ctx) error {
	e, err := s.segmentEditor(c, nil, "", segment.Filter{Match: segment.All, Rules: []segment.Rule{{Kind: segment.KindDDD}}})
	if err != nil {
		return err
	}
	e.Problems = map[string]string{} // an empty new rule is not a mistake yet
	return s.render(c, fiber.StatusOK, views.SegmentPage(e))
}

func (s *Server) segmentParam(c *fiber.Ctx) (*segment.Segment, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	return s.store.SegmentByID(c.UserContext(), id)
}

func (s *Server) segmentPage(c *fiber.Ctx) error {
	sg, err := s.segmentParam(c)
	if err != nil {
		return err
	}
	e, err := s.segmentEditor(c, sg, sg.Name, sg.Filter)
	if err != nil {
		return err
	}
	e.ReadOnly = !currentUser(c).Role.AtLeast("marketer")
	return s.render(c, fiber.StatusOK, views.SegmentPage(e))
}

// previewSegment answers the live count of the form as it stands.
func (s *Server) previewSegment(c *fiber.Ctx) error {
	name, f := segmentForm(c)
	e, err := s.segmentEditor(c, nil, name, f)
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.SegmentCount(e), false)
}

// editSegmentRules answers the rules after one was added, removed or
// changed its kind, and the count with them.
func (s *Server) editSegmentRules(c *fiber.Ctx) error {
	name, f := segmentForm(c)
	e, err := s.segmentEditor(c, nil, name, f)
	if err != nil {
		return err
	}
	// A rule just added or changed is empty: not a mistake yet. The count
	// still waits for the rules to be complete, and saving names what is
	// missing.
	e.Problems = map[string]string{}
	return s.renderWith(c, fiber.StatusOK, views.SegmentRulesWithCount(e), false)
}

// segmentCount answers one saved segment's count, for the list.
func (s *Server) segmentCount(c *fiber.Ctx) error {
	sg, err := s.segmentParam(c)
	if err != nil {
		return err
	}
	n, err := s.store.CountSegment(c.UserContext(), sg.Filter, s.now().UTC())
	if err != nil {
		return err
	}
	return s.renderWith(c, fiber.StatusOK, views.SegmentCountCell(n), false)
}

func (s *Server) createSegment(c *fiber.Ctx) error {
	return s.saveSegment(c, &segment.Segment{CreatedBy: currentUser(c).ID})
}

func (s *Server) updateSegment(c *fiber.Ctx) error {
	sg, err := s.segmentParam(c)
	if err != nil {
		return err
	}
	return s.saveSegment(c, sg)
}

// saveSegment stores the form as sg, or shows it again with what is wrong
// (a rule added or removed without scripts also comes back here).
func (s *Server) saveSegment(c *fiber.Ctx, sg *segment.Segment) error {
	name, f := segmentForm(c)
	e, err := s.segmentEditor(c, sg, name, f)
	if err != nil {
		return err
	}
	if c.FormValue("op") == "add" || c.FormValue("remove") != "" {
		return s.render(c, fiber.StatusOK, views.SegmentPage(e))
	}
	if p := segment.CheckName(name); p != "" {
		e.Problems["-1:name"] = tr(c, p)
	}
	if len(e.Problems) > 0 {
		e.Message = tr(c, "segments.problem.form")
		return s.render(c, fiber.StatusUnprocessableEntity, views.SegmentPage(e))
	}
	sg.Name, sg.Filter = name, f
	switch err := s.store.SaveSegment(c.UserContext(), sg); {
	case errors.Is(err, store.ErrConflict):
		e.Problems["-1:name"] = tr(c, "segments.problem.name_taken", name)
		e.Message = tr(c, "segments.problem.form")
		return s.render(c, fiber.StatusUnprocessableEntity, views.SegmentPage(e))
	case err != nil:
		return err
	}
	s.log.Info("segment saved", "segment_id", sg.ID, "rules", len(f.Rules), "by", currentUser(c).ID)
	flash(c, "success", "segments.saved", sg.Name)
	return seeOther(c, fmt.Sprintf("/contacts/segments/%d", sg.ID))
}

func (s *Server) deleteSegment(c *fiber.Ctx) error {
	sg, err := s.segmentParam(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteSegment(c.UserContext(), sg.ID); err != nil {
		return err
	}
	s.log.Info("segment deleted", "segment_id", sg.ID, "by", currentUser(c).ID)
	flash(c, "success", "segments.deleted", sg.Name)
	return seeOther(c, "/contacts/segments")
}

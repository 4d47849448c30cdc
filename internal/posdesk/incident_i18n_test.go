package posdesk_test

import (
	"testing"

	"github.com/posdesk/posdesk/internal/i18n"
	"github.com/posdesk/posdesk/internal/posdesk"
)

// TestIncidentLabelsTranslated checks that every label the incident screens show from the domain
// (titles, descriptions, checklist lines, preset names) has a zh-Hans translation: they are
// returned as values, so the catalog test's scan of i18n.T calls does not see them.
func TestIncidentLabelsTranslated(t *testing.T) {
	var labels []string
	for _, k := range posdesk.IncidentKinds {
		labels = append(labels, k.Title(), k.Description())
		labels = append(labels, k.Checklist()...)
	}
	for _, c := range posdesk.Causes {
		labels = append(labels, c.Title())
	}
	for _, s := range posdesk.IncidentStatuses {
		labels = append(labels, s.Title())
	}
	for _, o := range posdesk.Outcomes {
		labels = append(labels, o.Title())
	}
	for _, p := range posdesk.DeadlinePresets {
		labels = append(labels, p.Title)
	}
	for _, c := range posdesk.ContactChannels {
		labels = append(labels, c.Title())
	}
	for _, p := range posdesk.ContactParties {
		labels = append(labels, p.Title())
	}
	for _, l := range labels {
		if !i18n.Has(i18n.Chinese, l) {
			t.Errorf("no zh-Hans translation for %q", l)
		}
	}
}

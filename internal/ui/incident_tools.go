package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/posdesk/posdesk/internal/i18n"
)

// IncidentTool is a button another room adds to the incident detail's tool bar (beside "Add
// contact…" and "Attach file…") without editing incident_detail.go. Register it from init.
type IncidentTool struct {
	ID    string             // stable identifier, e.g. "packet"
	Title string             // English label; also its translation key
	Icon  fyne.ThemeIconName // optional
	Order int                // position among the registered tools, small first
	// Visible reports whether the tool works for the detail's window, user and incident; nil
	// means always.
	Visible func(d *IncidentDetail) bool
	// Run is called when the button is tapped.
	Run func(d *IncidentDetail)
}

var incidentTools []IncidentTool

// RegisterIncidentTool adds a tool to every incident detail built afterwards. Call it from init.
func RegisterIncidentTool(t IncidentTool) {
	for _, o := range incidentTools {
		if o.ID == t.ID {
			panic("ui: incident tool registered twice: " + t.ID)
		}
	}
	incidentTools = append(incidentTools, t)
	sort.SliceStable(incidentTools, func(i, j int) bool { return incidentTools[i].Order < incidentTools[j].Order })
}

// addRegisteredTools puts the registered tools that are visible for d on its tool bar, after the
// detail's own buttons. renderTools calls it.
func (d *IncidentDetail) addRegisteredTools() {
	for _, t := range incidentTools {
		if t.Visible != nil && !t.Visible(d) {
			continue
		}
		d.tools.Add(&widget.Button{Text: i18n.T(t.Title), Icon: icon(t.Icon), OnTapped: func() { t.Run(d) }})
	}
}

package pdf

import (
	"strings"

	"github.com/posdesk/posdesk/internal/posdesk"
)

// Preset is a destination's limits for one packet file (reference: domain.md "Evidence packet
// limits"). Sizes are in bytes with 1 MB = 1,000,000 bytes, which stays inside the limit whichever
// megabyte the destination means.
type Preset struct {
	Name        string // key used by the CLI and settings: "stripe", "visa"...
	Title       string // shown in menus; English, and a catalog key (translate with i18n.T)
	MaxBytes    int64  // hard limit for the file
	TargetBytes int64  // what the ladder aims for (recommended size, or the combined limit)
	MaxPages    int    // 0: no page limit
	DPI         int    // image resolution aimed for at full page size
	Note        string // where the figures come from
}

const mb = 1_000_000

// Presets lists the destination presets in menu order. The first is the default.
var Presets = []Preset{
	{Name: "acquirer", Title: "Acquirer / UnionPay (generic)", MaxBytes: 10 * mb, TargetBytes: 8 * mb, MaxPages: 50, DPI: 200,
		Note: "no published limit; conservative default (unverified)"},
	{Name: "visa", Title: "Visa (via acquirer)", MaxBytes: 2 * mb, TargetBytes: 1_900_000, MaxPages: 100, DPI: 200,
		Note: "PDF 2 MB, 100 pages, at most 200 DPI"},
	{Name: "mastercard", Title: "Mastercard", MaxBytes: 18 * mb, TargetBytes: 14_500_000, MaxPages: 19, DPI: 200,
		Note: "18 MB (14.5 MB recommended), 19 pages, ASCII names of at most 16 characters"},
	{Name: "amex", Title: "American Express", MaxBytes: 5 * mb, TargetBytes: 4_800_000, MaxPages: 20, DPI: 200,
		Note: "5 MB per file, 20 pages"},
	{Name: "stripe", Title: "Stripe", MaxBytes: 5 * mb, TargetBytes: 4_500_000, MaxPages: 49, DPI: 200,
		Note: "5 MB per file, about 4.5 MB combined, under 50 pages"},
	{Name: "paypal", Title: "PayPal", MaxBytes: 10*mb - 1, TargetBytes: 9_500_000, MaxPages: 0, DPI: 200,
		Note: "under 10 MB per file"},
}

// FindPreset returns the preset called name ("" is the default). The error is EINVALID on field
// "preset" and lists the known names.
func FindPreset(name string) (Preset, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return Presets[0], nil
	}
	if n == "unionpay" || n == "generic" {
		n = "acquirer"
	}
	for _, p := range Presets {
		if p.Name == n {
			return p, nil
		}
	}
	names := make([]string, len(Presets))
	for i, p := range Presets {
		names[i] = p.Name
	}
	return Preset{}, posdesk.Invalid("preset", "Preset %q is not known; choose one of: %s.", name, strings.Join(names, ", "))
}

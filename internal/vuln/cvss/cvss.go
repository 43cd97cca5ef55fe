// Package cvss parses CVSS v3.0, v3.1 and v4.0 vectors and computes
// their base scores with the formulas of the FIRST specifications:
// "CVSS v3.1: Specification Document" section 7 (the v3.0 formula
// differs only in its rounding) and "CVSS v4.0 Specification Document"
// section 8 (MacroVectors, the lookup table and interpolation by
// severity distance).
package cvss

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Rating is the qualitative severity rating of a score (section 5 of
// both specifications).
type Rating string

const (
	None     Rating = "none"
	Low      Rating = "low"
	Medium   Rating = "medium"
	High     Rating = "high"
	Critical Rating = "critical"
)

// RatingOf maps a score to its rating.
func RatingOf(score float64) Rating {
	switch {
	case score == 0:
		return None
	case score < 4.0:
		return Low
	case score < 7.0:
		return Medium
	case score < 9.0:
		return High
	}
	return Critical
}

// Score is a parsed vector and its base score.
type Score struct {
	Version string // "3.0", "3.1", "4.0"
	Vector  string
	Base    float64
}

// Rating is the score's qualitative rating.
func (s Score) Rating() Rating { return RatingOf(s.Base) }

// Parse parses a CVSS v3.x or v4.0 vector ("CVSS:3.1/AV:N/...") and
// computes its base score (for v4.0, the score of the metrics given:
// CVSS-B, -BT, -BE or -BTE).
func Parse(vector string) (Score, error) {
	v := strings.TrimSpace(vector)
	if len(v) > 512 {
		return Score{}, errors.New("CVSS vector longer than 512 bytes")
	}
	switch {
	case strings.HasPrefix(v, "CVSS:3.0/"), strings.HasPrefix(v, "CVSS:3.1/"):
		return parseV3(v)
	case strings.HasPrefix(v, "CVSS:4.0/"):
		return parseV4(v)
	}
	return Score{}, fmt.Errorf("CVSS vector %.40q: not a CVSS:3.0, 3.1 or 4.0 vector", v)
}

// metrics splits "CVSS:x.y/K:V/K:V" into an ordered map, refusing
// duplicates and unknown values.
func metrics(v string, allowed map[string]string) (map[string]string, error) {
	parts := strings.Split(v, "/")[1:]
	m := map[string]string{}
	for _, p := range parts {
		k, val, ok := strings.Cut(p, ":")
		if !ok || val == "" {
			return nil, fmt.Errorf("CVSS vector %.60q: %q is not METRIC:VALUE", v, p)
		}
		vals, known := allowed[k]
		if !known {
			return nil, fmt.Errorf("CVSS vector %.60q: unknown metric %q", v, k)
		}
		if len(val) != 1 || !strings.Contains(vals, val) {
			return nil, fmt.Errorf("CVSS vector %.60q: %s:%s is not a valid value (one of %s)", v, k, val, vals)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("CVSS vector %.60q: metric %s given twice", v, k)
		}
		m[k] = val
	}
	return m, nil
}

var v3Metrics = map[string]string{
	"AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "UC", "C": "HLN", "I": "HLN", "A": "HLN",
	// Temporal and environmental metrics are accepted; the base score
	// does not use them.
	"E": "XUPFH", "RL": "XOTWU", "RC": "XURC", "CR": "XLMH", "IR": "XLMH", "AR": "XLMH",
	"MAV": "XNALP", "MAC": "XLH", "MPR": "XNLH", "MUI": "XNR", "MS": "XUC", "MC": "XHLN", "MI": "XHLN", "MA": "XHLN",
}

func parseV3(v string) (Score, error) {
	m, err := metrics(v, v3Metrics)
	if err != nil {
		return Score{}, err
	}
	for _, k := range []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"} {
		if m[k] == "" {
			return Score{}, fmt.Errorf("CVSS vector %.60q: base metric %s is missing", v, k)
		}
	}
	version := v[5:8]
	changed := m["S"] == "C"
	av := map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m["AV"]]
	ac := map[string]float64{"L": 0.77, "H": 0.44}[m["AC"]]
	pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}[m["PR"]]
	if changed {
		pr = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}[m["PR"]]
	}
	ui := map[string]float64{"N": 0.85, "R": 0.62}[m["UI"]]
	cia := map[string]float64{"H": 0.56, "L": 0.22, "N": 0}
	iss := 1 - (1-cia[m["C"]])*(1-cia[m["I"]])*(1-cia[m["A"]])
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	exploitability := 8.22 * av * ac * pr * ui
	roundUp := roundUp31
	if version == "3.0" {
		roundUp = roundUp30
	}
	var base float64
	switch {
	case impact <= 0:
		base = 0
	case changed:
		base = roundUp(math.Min(1.08*(impact+exploitability), 10))
	default:
		base = roundUp(math.Min(impact+exploitability, 10))
	}
	return Score{Version: version, Vector: v, Base: base}, nil
}

// roundUp31 is Roundup of CVSS v3.1 Appendix A: the smallest number with
// one decimal at or above x, computed on integers to avoid floating-point
// surprises.
func roundUp31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

// roundUp30 is v3.0's Roundup: ceil(x * 10) / 10.
func roundUp30(x float64) float64 { return math.Ceil(x*10) / 10 }

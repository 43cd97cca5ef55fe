package cvss

import (
	"fmt"
	"math"
	"strings"
)

var v4Metrics = map[string]string{
	// Base.
	"AV": "NALP", "AC": "LH", "AT": "NP", "PR": "NLH", "UI": "NPA",
	"VC": "HLN", "VI": "HLN", "VA": "HLN", "SC": "HLN", "SI": "HLN", "SA": "HLN",
	// Threat.
	"E": "XAPU",
	// Environmental.
	"CR": "XHML", "IR": "XHML", "AR": "XHML",
	"MAV": "XNALP", "MAC": "XLH", "MAT": "XNP", "MPR": "XNLH", "MUI": "XNPA",
	"MVC": "XHLN", "MVI": "XHLN", "MVA": "XHLN", "MSC": "XHLN", "MSI": "XSHLN", "MSA": "XSHLN",
	// Supplemental: no effect on the score.
	"S": "XNP", "AU": "XNY", "R": "XAUI", "V": "XDC", "RE": "XLMH", "U": "X",
}

var v4Base = []string{"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"}

// v4Lookup is the score of each MacroVector (EQ1..EQ6), from the
// specification's lookup table.
var v4Lookup = map[string]float64{
	"000000": 10, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2,
	"000100": 10, "000101": 9.6, "000110": 9.3, "000111": 8.7, "000120": 9.1, "000121": 8.1,
	"000200": 9.3, "000201": 9, "000210": 8.9, "000211": 8, "000220": 8.1, "000221": 6.8,
	"001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9, "001021": 8.4,
	"001100": 9.3, "001101": 9.2, "001110": 8.9, "001111": 8.1, "001120": 8.1, "001121": 6.5,
	"001200": 8.8, "001201": 8, "001210": 7.8, "001211": 7, "001220": 6.9, "001221": 4.8,
	"002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5,
	"002201": 6.9, "002211": 5.5, "002221": 2.7,
	"010000": 9.9, "010001": 9.7, "010010": 9.5, "010011": 9.2, "010020": 9.2, "010021": 8.5,
	"010100": 9.5, "010101": 9.1, "010110": 9, "010111": 8.3, "010120": 8.4, "010121": 7.1,
	"010200": 9.2, "010201": 8.1, "010210": 8.2, "010211": 7.1, "010220": 7.2, "010221": 5.3,
	"011000": 9.5, "011001": 9.3, "011010": 9.2, "011011": 8.5, "011020": 8.5, "011021": 7.3,
	"011100": 9.2, "011101": 8.2, "011110": 8, "011111": 7.2, "011120": 7, "011121": 5.9,
	"011200": 8.4, "011201": 7, "011210": 7.1, "011211": 5.2, "011220": 5, "011221": 3,
	"012001": 8.6, "012011": 7.5, "012021": 5.2, "012101": 7.1, "012111": 5.2, "012121": 2.9,
	"012201": 6.3, "012211": 2.9, "012221": 1.7,
	"100000": 9.8, "100001": 9.5, "100010": 9.4, "100011": 8.7, "100020": 9.1, "100021": 8.1,
	"100100": 9.4, "100101": 8.9, "100110": 8.6, "100111": 7.4, "100120": 7.7, "100121": 6.4,
	"100200": 8.7, "100201": 7.5, "100210": 7.4, "100211": 6.3, "100220": 6.3, "100221": 4.9,
	"101000": 9.4, "101001": 8.9, "101010": 8.8, "101011": 7.7, "101020": 7.6, "101021": 6.7,
	"101100": 8.6, "101101": 7.6, "101110": 7.4, "101111": 5.8, "101120": 5.9, "101121": 5,
	"101200": 7.2, "101201": 5.7, "101210": 5.7, "101211": 5.2, "101220": 5.2, "101221": 2.5,
	"102001": 8.3, "102011": 7, "102021": 5.4, "102101": 6.5, "102111": 5.8, "102121": 2.6,
	"102201": 5.3, "102211": 2.1, "102221": 1.3,
	"110000": 9.5, "110001": 9, "110010": 8.8, "110011": 7.6, "110020": 7.6, "110021": 7,
	"110100": 9, "110101": 7.7, "110110": 7.5, "110111": 6.2, "110120": 6.1, "110121": 5.3,
	"110200": 7.7, "110201": 6.6, "110210": 6.8, "110211": 5.9, "110220": 5.2, "110221": 3,
	"111000": 8.9, "111001": 7.8, "111010": 7.6, "111011": 6.7, "111020": 6.2, "111021": 5.8,
	"111100": 7.4, "111101": 5.9, "111110": 5.7, "111111": 5.7, "111120": 4.7, "111121": 2.3,
	"111200": 6.1, "111201": 5.2, "111210": 5.7, "111211": 2.9, "111220": 2.4, "111221": 1.6,
	"112001": 7.1, "112011": 5.9, "112021": 3, "112101": 5.8, "112111": 2.6, "112121": 1.5,
	"112201": 2.3, "112211": 1.3, "112221": 0.6,
	"200000": 9.3, "200001": 8.7, "200010": 8.6, "200011": 7.2, "200020": 7.5, "200021": 5.8,
	"200100": 8.6, "200101": 7.4, "200110": 7.4, "200111": 6.1, "200120": 5.6, "200121": 3.4,
	"200200": 7, "200201": 5.4, "200210": 5.2, "200211": 4, "200220": 4, "200221": 2.2,
	"201000": 8.5, "201001": 7.5, "201010": 7.4, "201011": 5.5, "201020": 6.2, "201021": 5.1,
	"201100": 7.2, "201101": 5.7, "201110": 5.5, "201111": 4.1, "201120": 4.6, "201121": 1.9,
	"201200": 5.3, "201201": 3.6, "201210": 3.4, "201211": 1.9, "201220": 1.9, "201221": 0.8,
	"202001": 6.4, "202011": 5.1, "202021": 2, "202101": 4.7, "202111": 2.1, "202121": 1.1,
	"202201": 2.4, "202211": 0.9, "202221": 0.4,
	"210000": 8.8, "210001": 7.5, "210010": 7.3, "210011": 5.3, "210020": 6, "210021": 5,
	"210100": 7.3, "210101": 5.5, "210110": 5.9, "210111": 4, "210120": 4.1, "210121": 2,
	"210200": 5.4, "210201": 4.3, "210210": 4.5, "210211": 2.2, "210220": 2, "210221": 1.1,
	"211000": 7.5, "211001": 5.5, "211010": 5.8, "211011": 4.5, "211020": 4, "211021": 2.1,
	"211100": 6.1, "211101": 5.1, "211110": 4.8, "211111": 1.8, "211120": 2, "211121": 0.9,
	"211200": 4.6, "211201": 1.8, "211210": 1.7, "211211": 0.7, "211220": 0.8, "211221": 0.2,
	"212001": 5.3, "212011": 2.4, "212021": 1.4, "212101": 2.4, "212111": 1.2, "212121": 0.5,
	"212201": 1, "212211": 0.3, "212221": 0.1,
}

// v4Levels are each metric value's severity level (0 is the most
// severe), used for severity distances. They are kept as the
// specification writes them (tenths as floating point) and summed in
// its order so that scores round exactly as the reference calculator's.
var v4Levels = map[string]map[string]float64{
	"AV": {"N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3},
	"PR": {"N": 0.0, "L": 0.1, "H": 0.2},
	"UI": {"N": 0.0, "P": 0.1, "A": 0.2},
	"AC": {"L": 0.0, "H": 0.1},
	"AT": {"N": 0.0, "P": 0.1},
	"VC": {"H": 0.0, "L": 0.1, "N": 0.2},
	"VI": {"H": 0.0, "L": 0.1, "N": 0.2},
	"VA": {"H": 0.0, "L": 0.1, "N": 0.2},
	"SC": {"H": 0.1, "L": 0.2, "N": 0.3},
	"SI": {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
	"SA": {"S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3},
	"CR": {"H": 0.0, "M": 0.1, "L": 0.2},
	"IR": {"H": 0.0, "M": 0.1, "L": 0.2},
	"AR": {"H": 0.0, "M": 0.1, "L": 0.2},
	"E":  {"U": 0.2, "P": 0.1, "A": 0.0},
}

// v4MaxComposed are the highest-severity vectors of each EQ level (EQ3
// with EQ6), from the specification.
var (
	v4MaxEQ1 = [][]string{{"AV:N/PR:N/UI:N"}, {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"}, {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"}}
	v4MaxEQ2 = [][]string{{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}}
	// Indexed [eq3][eq6].
	v4MaxEQ3EQ6 = [][][]string{
		{{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"}, {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}},
		{{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"}, {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"}},
		{nil, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}},
	}
	v4MaxEQ4 = [][]string{{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}}
	v4MaxEQ5 = [][]string{{"E:A"}, {"E:P"}, {"E:U"}}
)

// v4MaxSeverity is the depth of each EQ level (the largest severity
// distance inside it, plus one), in tenths.
var (
	v4DepthEQ1    = []int{1, 4, 5}
	v4DepthEQ2    = []int{1, 2}
	v4DepthEQ3EQ6 = [][]int{{7, 6}, {8, 8}, {0, 10}}
	v4DepthEQ4    = []int{6, 5, 4}
)

func parseV4(v string) (Score, error) {
	m, err := metrics(v, v4Metrics)
	if err != nil {
		return Score{}, err
	}
	for _, k := range v4Base {
		if m[k] == "" {
			return Score{}, fmt.Errorf("CVSS vector %.60q: base metric %s is missing", v, k)
		}
	}
	return Score{Version: "4.0", Vector: v, Base: scoreV4(m)}, nil
}

// effective returns a metric's value after environmental overrides and
// defaults: modified metrics win, E defaults to A (attacked, the worst
// case), CR/IR/AR to H.
func effective(m map[string]string, k string) string {
	if mv := m["M"+k]; mv != "" && mv != "X" {
		return mv
	}
	v := m[k]
	switch k {
	case "E":
		if v == "" || v == "X" {
			return "A"
		}
	case "CR", "IR", "AR":
		if v == "" || v == "X" {
			return "H"
		}
	}
	return v
}

func scoreV4(m map[string]string) float64 {
	e := func(k string) string { return effective(m, k) }
	if e("VC") == "N" && e("VI") == "N" && e("VA") == "N" && e("SC") == "N" && e("SI") == "N" && e("SA") == "N" {
		return 0
	}
	var eq [6]int
	av, pr, ui := e("AV"), e("PR"), e("UI")
	switch {
	case av == "N" && pr == "N" && ui == "N":
		eq[0] = 0
	case (av == "N" || pr == "N" || ui == "N") && av != "P":
		eq[0] = 1
	default:
		eq[0] = 2
	}
	if !(e("AC") == "L" && e("AT") == "N") {
		eq[1] = 1
	}
	vc, vi, va := e("VC"), e("VI"), e("VA")
	switch {
	case vc == "H" && vi == "H":
		eq[2] = 0
	case vc == "H" || vi == "H" || va == "H":
		eq[2] = 1
	default:
		eq[2] = 2
	}
	switch {
	case e("SI") == "S" || e("SA") == "S":
		eq[3] = 0
	case e("SC") == "H" || e("SI") == "H" || e("SA") == "H":
		eq[3] = 1
	default:
		eq[3] = 2
	}
	eq[4] = map[string]int{"A": 0, "P": 1, "U": 2}[e("E")]
	if !((e("CR") == "H" && vc == "H") || (e("IR") == "H" && vi == "H") || (e("AR") == "H" && va == "H")) {
		eq[5] = 1
	}
	key := func(x [6]int) string {
		var b strings.Builder
		for _, d := range x {
			b.WriteByte(byte('0' + d))
		}
		return b.String()
	}
	lookup := func(x [6]int) (float64, bool) { s, ok := v4Lookup[key(x)]; return s, ok }
	value, ok := lookup(eq)
	if !ok {
		return 0
	}
	lower := func(i int) (float64, bool) {
		x := eq
		x[i]++
		return lookup(x)
	}
	// The next lower MacroVector of each EQ, when it exists. EQ3 and
	// EQ6 move together.
	nextEQ1, okEQ1 := lower(0)
	nextEQ2, okEQ2 := lower(1)
	var nextEQ36 float64
	var okEQ36 bool
	switch {
	case eq[2] == 0 && eq[5] == 0:
		// Two ways down; the higher counts, and both must exist.
		l, okl := lower(5)
		r, okr := lower(2)
		if okl && okr {
			nextEQ36, okEQ36 = math.Max(l, r), true
		}
	case eq[2] == 1 && eq[5] == 0:
		nextEQ36, okEQ36 = lower(5)
	case eq[5] == 1 && eq[2] < 2:
		nextEQ36, okEQ36 = lower(2)
	}
	nextEQ4, okEQ4 := lower(3)
	_, okEQ5 := lower(4)

	// The severity distance from the first highest-severity vector of
	// the MacroVector that is at least as severe in every metric.
	var dist map[string]float64
	for _, a := range v4MaxEQ1[eq[0]] {
		for _, b := range v4MaxEQ2[eq[1]] {
			for _, c := range v4MaxEQ3EQ6[eq[2]][eq[5]] {
				for _, d := range v4MaxEQ4[eq[3]] {
					for _, f := range v4MaxEQ5[eq[4]] {
						if ds, ok := distances(e, a+"/"+b+"/"+c+"/"+d+"/"+f); ok {
							dist = ds
							goto found
						}
					}
				}
			}
		}
	}
found:
	if dist == nil {
		return roundV4(value)
	}
	const step = 0.1
	n := 0
	part := func(ok bool, next, distance float64, depth int) float64 {
		if !ok {
			return 0
		}
		n++
		return (value - next) * (distance / (float64(depth) * step))
	}
	n1 := part(okEQ1, nextEQ1, dist["AV"]+dist["PR"]+dist["UI"], v4DepthEQ1[eq[0]])
	n2 := part(okEQ2, nextEQ2, dist["AC"]+dist["AT"], v4DepthEQ2[eq[1]])
	n36 := part(okEQ36, nextEQ36, dist["VC"]+dist["VI"]+dist["VA"]+dist["CR"]+dist["IR"]+dist["AR"], v4DepthEQ3EQ6[eq[2]][eq[5]])
	n4 := part(okEQ4, nextEQ4, dist["SC"]+dist["SI"]+dist["SA"], v4DepthEQ4[eq[3]])
	n5 := 0.0
	if okEQ5 {
		n++ // EQ5's proportion is always 0
	}
	mean := 0.0
	if n > 0 {
		mean = (n1 + n2 + n36 + n4 + n5) / float64(n)
	}
	return roundV4(math.Max(0, math.Min(10, value-mean)))
}

// distances returns, per metric, how much less severe the effective
// value is than the max vector's, and whether none is more severe.
func distances(e func(string) string, max string) (map[string]float64, bool) {
	want := map[string]string{}
	for _, p := range strings.Split(max, "/") {
		k, v, _ := strings.Cut(p, ":")
		want[k] = v
	}
	out := map[string]float64{}
	for k, levels := range v4Levels {
		d := levels[e(k)] - levels[want[k]]
		if d < 0 {
			return nil, false
		}
		out[k] = d
	}
	return out, true
}

// roundV4 rounds half up to one decimal, with the small epsilon the
// reference calculator uses against binary floating-point error.
func roundV4(x float64) float64 { return math.Round((x+1e-6)*10) / 10 }

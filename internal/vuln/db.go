package vuln

import (
	"fmt"
	"time"

	"github.com/palisade-sec/palisade/internal/vuln/store"
)

// StaleAfter is the age past which a scan warns that the database is
// stale (without --max-db-age, stale data is a warning, not a failure).
const StaleAfter = 7 * 24 * time.Hour

// OpenDB opens the store in dir for a scan. A scan never touches the
// network: it uses what `db update` or `db import` left. When maxAge is
// set and the data is older, it fails; otherwise stale data gives a
// warning with its age.
func OpenDB(dir string, maxAge time.Duration, now time.Time) (s *store.Store, warning string, err error) {
	s, err = store.Open(dir)
	if err != nil {
		return nil, "", err
	}
	info := s.Info()
	age := now.Sub(info.Built)
	switch {
	case maxAge > 0 && age > maxAge:
		s.Close()
		return nil, "", fmt.Errorf("the vulnerability database is %s old (last updated %s), more than --max-db-age %s: run `palisade db update` (or `palisade db import` offline)",
			HumanAge(age), info.Built.UTC().Format(time.RFC3339), maxAge)
	case age > StaleAfter:
		warning = fmt.Sprintf("the vulnerability database is %s old (last updated %s): run `palisade db update`; vulnerabilities published since are not reported",
			HumanAge(age), info.Built.UTC().Format(time.DateOnly))
	}
	return s, warning, nil
}

// HumanAge renders a duration as "3 days", "5 hours", "12 minutes".
func HumanAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d < 0:
		return "0 minutes"
	}
	return fmt.Sprintf("%d seconds", int(d.Seconds()))
}

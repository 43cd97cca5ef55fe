package dockerfile

// integrityChecks are registered in Checks; see the rule files check_*.go.
var integrityChecks = []Check{}

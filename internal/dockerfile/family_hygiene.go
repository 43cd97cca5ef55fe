package dockerfile

// hygieneChecks are registered in Checks; see the rule files check_*.go.
var hygieneChecks = []Check{}

package dockerfile

// imagesChecks are registered in Checks; see the rule files check_*.go.
var imagesChecks = []Check{}

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// lifecycleFile is the file prerelease-lifecycle-gen writes into each
// API package.
const lifecycleFile = "zz_generated.prerelease-lifecycle.go"

// kindLifecycle is what the generated methods of one type return.
// Releases are "1.22", empty when the method is absent.
type kindLifecycle struct {
	Introduced, Deprecated, Removed string
	Replacement                     *[3]string // group, version, kind
}

// pkgFacts is what one API package's sources say.
type pkgFacts struct {
	// Group is the GroupName constant ("" for the core group); HasGroup
	// is false when no file declares it.
	Group    string
	HasGroup bool
	// Registered are the types passed to scheme.AddKnownTypes.
	Registered map[string]bool
	// Lifecycles are the generated lifecycle methods' results per type.
	Lifecycles map[string]*kindLifecycle
}

func newPkgFacts() *pkgFacts {
	return &pkgFacts{Registered: map[string]bool{}, Lifecycles: map[string]*kindLifecycle{}}
}

// addFile reads one Go source file of an API package: the GroupName
// constant, AddKnownTypes calls and, in the generated lifecycle file,
// the return statements of the APILifecycle* methods.
func (p *pkgFacts) addFile(name string, src []byte) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("parsing %s: %w", name, err)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			p.readGroupName(d)
		case *ast.FuncDecl:
			if err := p.readMethod(fset, d); err != nil {
				return err
			}
			p.readKnownTypes(d)
		}
	}
	return nil
}

func (p *pkgFacts) readGroupName(d *ast.GenDecl) {
	if d.Tok != token.CONST {
		return
	}
	for _, s := range d.Specs {
		vs, ok := s.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "GroupName" || len(vs.Values) != 1 {
			continue
		}
		if g, ok := stringLit(vs.Values[0]); ok {
			p.Group, p.HasGroup = g, true
		}
	}
}

// readKnownTypes records T for every &T{} passed to a call of
// AddKnownTypes in the function.
func (p *pkgFacts) readKnownTypes(fn *ast.FuncDecl) {
	if fn.Body == nil {
		return
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "AddKnownTypes" {
			return true
		}
		for _, a := range call.Args {
			u, ok := a.(*ast.UnaryExpr)
			if !ok || u.Op != token.AND {
				continue
			}
			if cl, ok := u.X.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok {
					p.Registered[id.Name] = true
				}
			}
		}
		return true
	})
}

// readMethod reads `func (in *T) APILifecycleX() ... { return ... }`.
// Other functions are ignored; a lifecycle method of another shape is
// an error, so a change of the generator is noticed, not misread.
func (p *pkgFacts) readMethod(fset *token.FileSet, fn *ast.FuncDecl) error {
	if fn.Recv == nil || len(fn.Recv.List) != 1 || !strings.HasPrefix(fn.Name.Name, "APILifecycle") {
		return nil
	}
	star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return nil
	}
	recv, ok := star.X.(*ast.Ident)
	if !ok {
		return nil
	}
	bad := func(what string) error {
		return fmt.Errorf("%s: %s.%s: %s", fset.Position(fn.Pos()), recv.Name, fn.Name.Name, what)
	}
	if fn.Body == nil || len(fn.Body.List) != 1 {
		return bad("want a body of one return statement")
	}
	ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok {
		return bad("want a body of one return statement")
	}
	l := p.Lifecycles[recv.Name]
	if l == nil {
		l = &kindLifecycle{}
		p.Lifecycles[recv.Name] = l
	}
	var dst *string
	switch fn.Name.Name {
	case "APILifecycleIntroduced":
		dst = &l.Introduced
	case "APILifecycleDeprecated":
		dst = &l.Deprecated
	case "APILifecycleRemoved":
		dst = &l.Removed
	case "APILifecycleReplacement":
		if len(ret.Results) != 1 {
			return bad("want one result")
		}
		gvk, err := gvkLit(ret.Results[0])
		if err != nil {
			return bad(err.Error())
		}
		l.Replacement = &gvk
		return nil
	default:
		return bad("unknown lifecycle method")
	}
	if len(ret.Results) != 2 {
		return bad("want return major, minor")
	}
	var nums [2]int
	for i, r := range ret.Results {
		lit, ok := r.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return bad("want integer literals")
		}
		n, err := strconv.Atoi(lit.Value)
		if err != nil || n < 0 || n > 1000 {
			return bad(fmt.Sprintf("release number %s out of range", lit.Value))
		}
		nums[i] = n
	}
	if nums[0] != 1 {
		return bad(fmt.Sprintf("release %d.%d is not a Kubernetes 1.x release", nums[0], nums[1]))
	}
	*dst = fmt.Sprintf("%d.%d", nums[0], nums[1])
	return nil
}

// gvkLit reads schema.GroupVersionKind{Group: "g", Version: "v", Kind: "k"}.
func gvkLit(e ast.Expr) ([3]string, error) {
	var out [3]string
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return out, fmt.Errorf("want a schema.GroupVersionKind literal")
	}
	for _, el := range cl.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return out, fmt.Errorf("want keyed fields in the GroupVersionKind literal")
		}
		key, ok := kv.Key.(*ast.Ident)
		val, okv := stringLit(kv.Value)
		if !ok || !okv {
			return out, fmt.Errorf("want string fields in the GroupVersionKind literal")
		}
		switch key.Name {
		case "Group":
			out[0] = val
		case "Version":
			out[1] = val
		case "Kind":
			out[2] = val
		default:
			return out, fmt.Errorf("unknown GroupVersionKind field %s", key.Name)
		}
	}
	if out[1] == "" || out[2] == "" {
		return out, fmt.Errorf("replacement names no version or kind")
	}
	return out, nil
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

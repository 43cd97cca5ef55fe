package nodetest

// GoodAuditPolicy records what an investigation needs without writing
// secrets into the log: Secret, ConfigMap and token payloads at Metadata,
// exec and RBAC changes recorded, and a catch-all last.
const GoodAuditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  # Noisy, harmless reads.
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
    resources:
      - group: ""
        resources: ["endpoints", "services", "services/status"]
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
  # Payloads that are secrets: who and when, never what.
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  # Interactive access to pods.
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["pods/exec", "pods/attach", "pods/portforward"]
  # Permission changes, with their content.
  - level: RequestResponse
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
    resources:
      - group: rbac.authorization.k8s.io
  # Every other write with its request body; everything else as metadata.
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: Metadata
`

// BadAuditPolicy has the classic mistakes: secrets logged with their
// content, exec dropped, and no catch-all, so RBAC changes go unrecorded.
const BadAuditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    resources:
      - group: ""
        resources: ["pods/exec", "pods/attach"]
  - level: RequestResponse
    resources:
      - group: ""
`

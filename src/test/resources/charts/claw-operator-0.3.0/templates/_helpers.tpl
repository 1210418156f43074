{{- define "claw-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "claw-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A label value: a chart version such as 1.0.0+build is not one until "+" is replaced. */}}
{{- define "claw-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "claw-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "claw-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "claw-operator.labels" -}}
{{ include "claw-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "claw-operator.chart" . }}
{{- end -}}

{{- define "claw-operator.serviceAccountName" -}}
{{- default (include "claw-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The permissions the operator's code uses, and no more (see docs/operations.md, "RBAC"). */}}
{{- define "claw-operator.rules" -}}
- apiGroups: ["claw.io"]
  resources: ["clawinstances"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["claw.io"]
  resources: ["clawinstances/status"]
  verbs: ["patch"]
{{- /* Pods carry blockOwnerDeletion; with OwnerReferencesPermissionEnforcement (OpenShift) that needs this. */}}
- apiGroups: ["claw.io"]
  resources: ["clawinstances/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
{{- /* spec.storage. The operator deletes no claim (whenDeleted: Delete goes through the garbage collector), but
OwnerReferencesPermissionEnforcement lets only who may delete an object change its owner references (whenDeleted switched). */}}
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
{{- /* list: why a claim has not bound is in the PersistentVolume controller's Events about it. */}}
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list"]
{{- if .Values.operator.checkPullSecrets }}
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end }}
{{- end -}}

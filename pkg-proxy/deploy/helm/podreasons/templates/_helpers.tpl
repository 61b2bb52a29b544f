{{/* The chart's name, or nameOverride. */}}
{{- define "podreasons.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of every object: the release name, prefixed to the chart's name unless it contains it. */}}
{{- define "podreasons.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "podreasons.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels that select the proxy's pods; they never change across upgrades. */}}
{{- define "podreasons.selectorLabels" -}}
app.kubernetes.io/name: {{ include "podreasons.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: proxy
{{- end }}

{{- define "podreasons.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "podreasons.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "podreasons.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "podreasons.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "podreasons.tokenSecretName" -}}
{{- default (printf "%s-token" (include "podreasons.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/* The URL Grafana's server reaches the proxy at. */}}
{{- define "podreasons.serviceUrl" -}}
{{- printf "%s://%s:%d" (include "podreasons.scheme" .) (include "podreasons.serviceHost" .) (int .Values.service.port) }}
{{- end }}

{{/* Read-only rules on what the proxy watches; nodes are cluster-scoped, so only the ClusterRole has them. */}}
{{- define "podreasons.readRules" -}}
- apiGroups: ['']
  resources: {{ ternary "[pods, nodes, events]" "[pods, events]" .cluster }}
  verbs: [get, list, watch]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [get, list, watch]
{{- /* Read as metadata only, to name the Deployments and CronJobs above the pods' controllers. */}}
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [get, list, watch]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch]
{{- end }}

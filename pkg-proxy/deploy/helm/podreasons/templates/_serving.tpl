{{/* How the proxy is reached and where it keeps its data: shared by the Deployment, the
ServiceMonitor, the data source and the test hook, so that they never disagree. */}}

{{/* The image reference: by tag, and by digest when one is given. */}}
{{- define "podreasons.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* "https" when the proxy serves TLS (tls.existingSecret), else "http". */}}
{{- define "podreasons.scheme" -}}
{{- ternary "https" "http" (ne .Values.tls.existingSecret "") }}
{{- end }}

{{/* The DNS name the proxy's certificate must hold: the Service's name in the cluster. */}}
{{- define "podreasons.serviceHost" -}}
{{- printf "%s.%s.svc" (include "podreasons.fullname" .) .Release.Namespace }}
{{- end }}

{{- define "podreasons.tlsDir" -}}/etc/podreasons/tls{{- end }}
{{- define "podreasons.metricsTokenDir" -}}/etc/podreasons/metrics-token{{- end }}

{{/* The PersistentVolumeClaim holding the data directory, or "" for none (an emptyDir, or no persistence). */}}
{{- define "podreasons.dataClaim" -}}
{{- if .Values.persistence.enabled }}
{{- if .Values.persistence.existingClaim }}
{{- .Values.persistence.existingClaim }}
{{- else if .Values.persistence.size }}
{{- printf "%s-data" (include "podreasons.fullname" .) }}
{{- end }}
{{- end }}
{{- end }}

{{/* karpenter.sh/do-not-disrupt: as set, or on unless the data follows the pod on a claim. */}}
{{- define "podreasons.doNotDisrupt" -}}
{{- if kindIs "invalid" .Values.doNotDisrupt }}
{{- ternary "false" "true" (ne (include "podreasons.dataClaim" .) "") }}
{{- else }}
{{- .Values.doNotDisrupt | toString }}
{{- end }}
{{- end }}

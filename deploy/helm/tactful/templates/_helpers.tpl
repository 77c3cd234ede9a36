{{- define "tactful.name" -}}{{ .Release.Name }}-tactful{{- end -}}
{{- define "tactful.languagetool" -}}{{ .Release.Name }}-languagetool{{- end -}}
{{- /* The LanguageTool pool: languagetool.urls, or every pod of the chart's StatefulSet. */ -}}
{{- define "tactful.languagetoolUrls" -}}
{{- if .Values.languagetool.urls -}}
{{ join "," .Values.languagetool.urls }}
{{- else -}}
{{- $name := include "tactful.languagetool" . -}}
{{- $urls := list -}}
{{- range $i := until (int .Values.languagetool.replicas) -}}
{{- $urls = append $urls (printf "http://%s-%d.%s-pods.%s.svc:8081" $name $i $name $.Release.Namespace) -}}
{{- end -}}
{{ join "," $urls }}
{{- end -}}
{{- end -}}
{{- define "tactful.labels" -}}
app.kubernetes.io/part-of: tactful
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "tactful.storeEnv" -}}
- name: TACTFUL_STORE_URL
  valueFrom: {secretKeyRef: {name: {{ .Values.store.existingSecret }}, key: {{ .Values.store.urlKey }}}}
- name: TACTFUL_STORE_SECRET
  valueFrom: {secretKeyRef: {name: {{ .Values.store.existingSecret }}, key: {{ .Values.store.secretKey }}}}
{{- end -}}
{{- define "tactful.securityContext" -}}
runAsNonRoot: true
runAsUser: 10001
allowPrivilegeEscalation: false
capabilities: {drop: [ALL]}
{{- end -}}

{{- define "tactful.name" -}}{{ .Release.Name }}-tactful{{- end -}}
{{- define "tactful.languagetool" -}}{{ .Release.Name }}-languagetool{{- end -}}
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

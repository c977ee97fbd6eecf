// Where secrets may appear in GCP Admin Activity requests and responses, per serviceName: field names
// (any depth, case-insensitive) hashed like the configured sensitive keys. Google leaves most secret
// material out of audit logs; these are the fields whose values would be secrets if a service logged them.
export const GCP_SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  // AddSecretVersion: SecretPayload `data` (base64) and its checksum.
  'secretmanager.googleapis.com': ['payload'],
  // CreateServiceAccountKey / UploadServiceAccountKey.
  'iam.googleapis.com': ['privateKeyData', 'publicKeyData'],
  // instances.insert `rootPassword`, users.insert/update `password` (a default key already).
  'sqladmin.googleapis.com': ['rootPassword', 'sslKey'],
  // HMAC keys for interoperability: the secret is in the create response.
  'storage.googleapis.com': ['secret'],
};

/** The configured keys plus the secret fields of the entry's service. */
export function keysForService(serviceName: string, configured: ReadonlySet<string>): ReadonlySet<string> {
  const extra = Object.hasOwn(GCP_SECRET_FIELDS, serviceName) ? GCP_SECRET_FIELDS[serviceName] : undefined;
  return extra === undefined ? configured : new Set([...configured, ...extra.map((key) => key.toLowerCase())]);
}

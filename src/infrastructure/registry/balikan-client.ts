/**
 * The registry's data-balikan service as public clients use it (the simulator speaks the same): POST
 * {BALIKAN_URL}/databalikan/api/store with a bearer token and {nik, id_lembaga, nama_lembaga,
 * param: [{KEY: value}]}; the answer {"message": "Success"} acknowledges. The param keys are per
 * institution, so they come from configuration. Every delivery carries the balikan's id as its
 * reference (Idempotency-Key), so a re-send after a crash is recognisable by the receiver.
 */

export interface BalikanValues {
  readonly medicalRecordNumber?: string;
  readonly bloodType?: string;
  readonly deathCertificateNumber?: string;
}

export interface BalikanClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly idLembaga: string;
  readonly namaLembaga: string;
  /** The service's parameter name for each value (per institution, from getparam_bylembaga). */
  readonly paramKeys: { readonly medicalRecordNumber: string; readonly bloodType: string; readonly deathCertificateNumber: string };
  readonly timeoutMs?: number;
}

/** Why a delivery did not go through, as a class only (never the values, never the answer text). */
export type DeliveryFailure = 'UNAVAILABLE' | 'TIMEOUT' | 'REJECTED' | 'MALFORMED_ANSWER';

export type DeliveryResult = { readonly acknowledged: true } | { readonly acknowledged: false; readonly failure: DeliveryFailure };

export class BalikanClient {
  private readonly url: string;

  constructor(private readonly options: BalikanClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/databalikan/api/store`;
  }

  async deliver(reference: string, nik: string, values: BalikanValues): Promise<DeliveryResult> {
    const keys = this.options.paramKeys;
    const param: Record<string, string> = {};
    if (values.medicalRecordNumber !== undefined) param[keys.medicalRecordNumber] = values.medicalRecordNumber;
    if (values.bloodType !== undefined) param[keys.bloodType] = values.bloodType;
    if (values.deathCertificateNumber !== undefined) param[keys.deathCertificateNumber] = values.deathCertificateNumber;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}`, 'idempotency-key': reference },
        body: JSON.stringify({ nik, id_lembaga: this.options.idLembaga, nama_lembaga: this.options.namaLembaga, param: [param] }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error', // never carry the values anywhere else
      });
    } catch (error) {
      const name = (error as Error).name;
      return { acknowledged: false, failure: name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : 'UNAVAILABLE' };
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 500) return { acknowledged: false, failure: 'UNAVAILABLE' };
    if (response.status >= 400) return { acknowledged: false, failure: 'REJECTED' };
    try {
      const message = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof message === 'string' && message.trim().toLowerCase() === 'success') return { acknowledged: true };
      return { acknowledged: false, failure: 'REJECTED' };
    } catch {
      return { acknowledged: false, failure: 'MALFORMED_ANSWER' };
    }
  }
}

// Requests to the edusearch API: JSON answers, and errors carrying the API's Russian message.

/** An error answered by the API (with its Russian message) or a network failure. */
class ApiFailure extends Error {
  constructor(messageRu, code, status) {
    super(messageRu);
    this.code = code;
    this.status = status;
  }
}

export async function fetchJson(path, signal) {
  let resp;
  try {
    resp = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiFailure('Сервер поиска недоступен. Проверьте подключение и повторите попытку.', 'network', 0);
  }
  let body = null;
  try {
    body = await resp.json();
  } catch {
    body = null;
  }
  if (!resp.ok || body === null) {
    const err = body && body.error;
    const msg = (err && (err.message_ru || err.message)) || `Ошибка сервера (HTTP ${resp.status}).`;
    throw new ApiFailure(msg, (err && err.code) || 'http', resp.status);
  }
  return body;
}

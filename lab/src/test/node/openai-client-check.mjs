// Drives a running lab with the official `openai` Node client, as a user of vLLM, SGLang or an AI
// gateway would, and checks what the client reports: answers, streams, `n` choices, model cards,
// and every error path with the status, type and message the client exposes.
//
// Usage: node openai-client-check.mjs '<json>' where json is
//   {"gateway": url, "admin": url, "maxModelLen": n,
//    "pods": [{"url": url, "model": name, "ownedBy": "vllm" | "sglang"}], "gatewayOwnedBy": text}
// Prints one "ok - ..." or "not ok - ..." line per check; exits 1 if any check failed.
import OpenAI from 'openai';

const config = JSON.parse(process.argv[2]);
const results = [];

async function check(name, body) {
  try {
    await body();
    results.push(true);
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`not ok - ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}

function expect(condition, what, seen) {
  if (!condition) {
    throw new Error(`expected ${what}; seen ${JSON.stringify(seen)}`);
  }
}

/** Runs `call`, which must fail with an APIError of this status, and returns the error. */
async function expectApiError(call, status, errorClass) {
  try {
    const answer = await call();
    throw new Error(`expected HTTP ${status}, the call succeeded: ${JSON.stringify(answer).slice(0, 200)}`);
  } catch (e) {
    if (!(e instanceof OpenAI.APIError)) {
      throw e;
    }
    expect(e.status === status, `status ${status}`, e.status);
    expect(e instanceof errorClass, `a ${errorClass.name}`, e.constructor.name);
    expect(e.error && typeof e.error === 'object', 'a nested error object (error.error)', e.error);
    expect(e.error.code === status, `error.code ${status}`, e.error.code);
    expect(!e.message.includes('(no body)'), 'a message from the body', e.message);
    return e;
  }
}

function client(base) {
  // No retries: a retried 5xx would hide what the server answered, and take seconds of backoff.
  return new OpenAI({ baseURL: `${base}/v1`, apiKey: 'lab-has-no-auth', maxRetries: 0, timeout: 60_000 });
}

async function targetChecks(label, base, models, ownedBy) {
  const openai = client(base);
  const model = models[0];

  await check(`${label}: models.list names ${models.join(', ')} with created and owned_by "${ownedBy}"`, async () => {
    const page = await openai.models.list();
    const ids = page.data.map((m) => m.id).sort();
    expect(JSON.stringify(ids) === JSON.stringify([...models].sort()), `ids ${models}`, ids);
    for (const m of page.data) {
      expect(m.object === 'model', 'object "model"', m.object);
      expect(Number.isInteger(m.created) && m.created > 1_600_000_000, 'created as epoch seconds', m.created);
      expect(m.owned_by === ownedBy, `owned_by ${ownedBy}`, m.owned_by);
    }
  });

  await check(`${label}: models.retrieve answers the model and 404 NotFoundError for another`, async () => {
    const card = await openai.models.retrieve(model);
    expect(card.id === model, `id ${model}`, card.id);
    const e = await expectApiError(() => openai.models.retrieve('no-such-model'), 404, OpenAI.NotFoundError);
    expect(e.error.type === 'NotFoundError', 'type NotFoundError', e.error.type);
    expect(e.message === '404 The model `no-such-model` does not exist.', 'the message vLLM writes', e.message);
  });

  await check(`${label}: a completion of exactly max_tokens with ignore_eos`, async () => {
    const answer = await openai.completions.create({ model, prompt: 'tok tok', max_tokens: 5, ignore_eos: true });
    expect(answer.choices.length === 1, 'one choice', answer.choices.length);
    expect(answer.choices[0].finish_reason === 'length', 'finish_reason length', answer.choices[0].finish_reason);
    expect(answer.usage.completion_tokens === 5, 'usage.completion_tokens 5', answer.usage);
    expect(answer.choices[0].text.trim().split(/\s+/).length === 5, 'five words', answer.choices[0].text);
  });

  await check(`${label}: a streamed chat completion with n=2, every choice to its finish, then usage`, async () => {
    const stream = await openai.chat.completions.create({
      model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 4, ignore_eos: true, n: 2, stream: true,
      stream_options: { include_usage: true },
    });
    const tokens = [0, 0];
    const finish = [null, null];
    let usage = null;
    for await (const chunk of stream) {
      if (chunk.usage) {
        usage = chunk.usage;
      }
      for (const choice of chunk.choices) {
        const delta = choice.delta || {};
        if ((delta.content && delta.content.length > 0) || (delta.reasoning_content && delta.reasoning_content.length > 0)) {
          tokens[choice.index] += 1;
        }
        if (choice.finish_reason) {
          finish[choice.index] = choice.finish_reason;
        }
      }
    }
    expect(tokens[0] === 4 && tokens[1] === 4, 'four tokens on each of choices 0 and 1', tokens);
    expect(finish[0] === 'length' && finish[1] === 'length', 'finish_reason length on both', finish);
    expect(usage && usage.completion_tokens === 8, 'usage.completion_tokens 8', usage);
  });

  await check(`${label}: a completion with n=3 has three choices indexed 0, 1, 2`, async () => {
    const answer = await openai.completions.create({ model, prompt: 'tok', max_tokens: 2, ignore_eos: true, n: 3 });
    expect(JSON.stringify(answer.choices.map((c) => c.index)) === '[0,1,2]', 'indexes 0,1,2', answer.choices);
    expect(answer.usage.completion_tokens === 6, 'usage.completion_tokens 6', answer.usage);
  });

  await check(`${label}: an unknown model is 404 NotFoundError with vLLM's message`, async () => {
    const e = await expectApiError(() => openai.completions.create({ model: 'no-such-model', prompt: 'tok' }), 404,
      OpenAI.NotFoundError);
    expect(e.error.type === 'NotFoundError', 'type NotFoundError', e.error.type);
    expect(e.error.message === 'The model `no-such-model` does not exist.', "vLLM's message", e.error.message);
  });

  await check(`${label}: a request over the context is 400 BadRequestError naming the limit`, async () => {
    const e = await expectApiError(() => openai.chat.completions.create({
      model, messages: [{ role: 'user', content: 'tok' }], max_tokens: config.maxModelLen,
    }), 400, OpenAI.BadRequestError);
    expect(e.error.type === 'BadRequestError', 'type BadRequestError', e.error.type);
    expect(e.message.includes(`maximum context length is ${config.maxModelLen} tokens`), 'the limit named',
      e.message);
  });

  await check(`${label}: bad parameters are 400 BadRequestError with vLLM's message and the param`, async () => {
    const n = await expectApiError(() => openai.completions.create({ model, prompt: 'tok', n: 0 }), 400,
      OpenAI.BadRequestError);
    expect(n.error.message === 'n must be at least 1, got 0.', "vLLM's message for n", n.error.message);
    expect(n.param === 'n', 'param n', n.param);
    const bestOf = await expectApiError(() => openai.completions.create({ model, prompt: 'tok', best_of: 2 }), 400,
      OpenAI.BadRequestError);
    expect(bestOf.error.message === 'vLLM V1 does not yet support best_of.', "vLLM V1's refusal", bestOf.error.message);
  });
}

async function overloadCheck(label, base, model) {
  await check(`${label}: an overloaded engine (fault: 503) is an InternalServerError with the nested body`, async () => {
    const armed = await fetch(`${config.admin}/faults/${model}`, {
      method: 'POST', body: JSON.stringify({ errorRate: 1.0, errorStatus: 503 }),
    });
    expect(armed.ok, 'the admin endpoint to arm the fault', armed.status);
    try {
      const e = await expectApiError(() => client(base).completions.create({ model, prompt: 'tok', max_tokens: 2 }),
        503, OpenAI.InternalServerError);
      expect(e.error.type === 'Service Unavailable', 'type Service Unavailable', e.error.type);
      expect(e.error.message.startsWith('Injected fault'), 'the fault named in the message', e.error.message);
    } finally {
      await fetch(`${config.admin}/faults/${model}`, { method: 'DELETE' });
    }
  });
}

const allModels = config.pods.map((p) => p.model);
await targetChecks('gateway', config.gateway, allModels, config.gatewayOwnedBy);
for (const pod of config.pods) {
  await targetChecks(`${pod.model} pod (${pod.ownedBy})`, pod.url, [pod.model], pod.ownedBy);
}
await overloadCheck('gateway', config.gateway, config.pods[0].model);
await overloadCheck(`${config.pods[1].model} pod`, config.pods[1].url, config.pods[1].model);

const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} of ${results.length} checks passed`);
process.exit(failed === 0 ? 0 : 1);

/*
 * ЭЦҚ signing in the browser through NCALayer (SPEC R-ECP-5), for every page of the portal.
 *
 * Wraps ncalayer-js-client (served at /static/vendor/ncalayer-client.js, which defines
 * window.NCALayerClient). Keys never leave the user's device: NCALayer, listening on
 * wss://127.0.0.1:13579, signs and returns a base64 CMS.
 *
 *   SotSigning.sign(base64Data, {attached, purpose, onState, chooseStorage}) -> Promise<base64 CMS>
 *     attached: true for sign-in (the CMS carries the nonce), false (detached) for documents;
 *     purpose: "auth" lets the user pick an authentication or signing key, "sign" a signing key;
 *     onState(state, message): "connecting" | "choose_storage" | "signing" | "done" |
 *       "cancelled" | "not_running" | "failed";
 *     chooseStorage(storages) -> Promise<storage>: the page's storage picker (optional).
 *   SotSigning.demoSign(url, fields, csrfToken) -> Promise<base64 CMS> (DEMO mode only).
 *   SotSigning.message(state) -> text in the page's language (kk, ru or en).
 *   SotSigning.toBase64(string) -> standard base64 of the string's UTF-8 bytes.
 *   SotSigning.attach(root): wires a [data-ecp-signin] form (the ЭЦҚ sign-in page) or a
 *     [data-ecp-signup] form (the sign-up page): it asks data-challenge-url for a challenge of
 *     data-challenge-purpose bound to this browser session (POST, CSRF), has it signed, fills
 *     the hidden nonce and cms fields and submits the form. The demo button names the fields
 *     it sends in data-login-field, data-kind-field and data-name-field.
 *   SotSigning.storagePicker(container) -> chooseStorage: buttons for the storages in container.
 */
(function (window, document) {
  'use strict';

  var INSTALL_URL = 'https://pki.gov.kz/ncalayer/';

  var MESSAGES = {
    kk: {
      connecting: 'NCALayer-ге қосылуда…',
      choose_storage: 'Кілт сақталған орынды таңдаңыз.',
      signing: 'NCALayer терезесінде кілтті таңдап, құпиясөзді енгізіңіз…',
      done: 'Қол қойылды. Тексерілуде…',
      cancelled: 'Қол қоюдан бас тарттыңыз. Құжат жіберілген жоқ: қол қою үшін батырманы қайта басыңыз.',
      not_running: 'NCALayer іске қосылмаған. Оны іске қосып, батырманы қайта басыңыз; бағдарлама орнатылмаса, pki.gov.kz сайтынан орнатыңыз.',
      failed: 'Қол қою сәтсіз аяқталды: ',
      install: 'NCALayer орнату (pki.gov.kz)',
      file_storage: 'Файл (PKCS#12)',
      challenge_failed: 'Кіру сұрауын алу мүмкін болмады. Қайталап көріңіз.',
      demo_failed: 'Демо кілтімен қол қою мүмкін болмады: '
    },
    ru: {
      connecting: 'Подключение к NCALayer…',
      choose_storage: 'Выберите хранилище ключа.',
      signing: 'Выберите ключ и введите пароль в окне NCALayer…',
      done: 'Подписано. Проверяем…',
      cancelled: 'Вы отменили подписание. Документ не отправлен: чтобы подписать, нажмите кнопку ещё раз.',
      not_running: 'NCALayer не запущен. Запустите его и нажмите кнопку ещё раз; если программа не установлена, установите её с сайта pki.gov.kz.',
      failed: 'Не удалось подписать: ',
      install: 'Установить NCALayer (pki.gov.kz)',
      file_storage: 'Файл (PKCS#12)',
      challenge_failed: 'Не удалось получить запрос на вход. Попробуйте ещё раз.',
      demo_failed: 'Не удалось подписать демо-ключом: '
    },
    en: {
      connecting: 'Connecting to NCALayer…',
      choose_storage: 'Choose where your key is stored.',
      signing: 'Choose your key and enter its password in the NCALayer window…',
      done: 'Signed. Checking…',
      cancelled: 'You cancelled signing. Nothing was sent: press the button again to sign.',
      not_running: 'NCALayer is not running. Start it and press the button again; if it is not installed, install it from pki.gov.kz.',
      failed: 'Signing failed: ',
      install: 'Install NCALayer (pki.gov.kz)',
      file_storage: 'File (PKCS#12)',
      challenge_failed: 'Could not get a sign-in challenge. Please try again.',
      demo_failed: 'Could not sign with the demo key: '
    }
  };

  function language() {
    var lang = (document.documentElement.getAttribute('lang') || 'kk').slice(0, 2).toLowerCase();
    return MESSAGES[lang] ? lang : 'kk';
  }

  function message(key) {
    return MESSAGES[language()][key] || MESSAGES.en[key] || key;
  }

  function SigningError(state, detail) {
    this.name = 'SigningError';
    this.state = state;
    this.detail = detail || '';
    this.message = message(state) + (state === 'failed' ? this.detail : '');
  }
  SigningError.prototype = Object.create(Error.prototype);

  function toBase64(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = '';
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary);
  }

  function noop() {}

  async function sign(base64Data, options) {
    var opts = options || {};
    var onState = opts.onState || noop;
    var Client = window.NCALayerClient;
    if (!Client) {
      onState('not_running', message('not_running'));
      throw new SigningError('not_running');
    }
    var client = new Client();
    onState('connecting', message('connecting'));
    try {
      await client.connect();
    } catch (error) {
      onState('not_running', message('not_running'));
      throw new SigningError('not_running', error && error.message);
    }
    var storages = Client.basicsStorageAll;
    if (opts.chooseStorage) {
      var tokens = [];
      try {
        tokens = await client.getActiveTokens();
      } catch (error) {
        tokens = [];
      }
      onState('choose_storage', message('choose_storage'));
      var chosen = await opts.chooseStorage(['PKCS12'].concat(tokens || []));
      storages = chosen ? [chosen] : Client.basicsStorageAll;
    }
    onState('signing', message('signing'));
    var params = opts.attached ? Client.basicsCMSParamsAttached : Client.basicsCMSParamsDetached;
    var signer = opts.purpose === 'auth' ? Client.basicsSignerAny : Client.basicsSignerSignAny;
    try {
      var cms = await client.basicsSignCMS(storages, base64Data, params, signer, language());
      onState('done', message('done'));
      return cms;
    } catch (error) {
      if (error && error.canceledByUser) {
        onState('cancelled', message('cancelled'));
        throw new SigningError('cancelled');
      }
      var failure = new SigningError('failed', error && error.message);
      onState('failed', failure.message);
      throw failure;
    }
  }

  async function postForm(url, fields, csrfToken) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    var response = await window.fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken || '', Accept: 'application/json' },
      body: body
    });
    var payload = {};
    try {
      payload = await response.json();
    } catch (error) {
      payload = {};
    }
    if (!response.ok) {
      var detail = payload.error ? payload.error.message : String(response.status);
      throw new SigningError('failed', detail);
    }
    return payload;
  }

  async function demoSign(url, fields, csrfToken) {
    var payload = await postForm(url, fields, csrfToken);
    return payload.cms;
  }

  function storagePicker(container) {
    return function (storages) {
      return new Promise(function (resolve) {
        container.textContent = '';
        container.hidden = false;
        storages.forEach(function (storage) {
          var button = document.createElement('button');
          button.type = 'button';
          button.textContent = storage === 'PKCS12' ? message('file_storage') : storage;
          button.addEventListener('click', function () {
            container.hidden = true;
            resolve(storage);
          });
          container.appendChild(button);
        });
      });
    };
  }

  function attach(root) {
    var form = (root || document).querySelector('form[data-ecp-signin], form[data-ecp-signup]');
    if (!form) {
      return;
    }
    var status = document.getElementById('ecp-status');
    var install = document.getElementById('ecp-install');
    var picker = document.getElementById('ecp-storages');
    var csrf = form.querySelector('input[name=csrfmiddlewaretoken]');
    var csrfToken = csrf ? csrf.value : '';

    function show(state, text) {
      status.textContent = text;
      status.setAttribute('data-state', state);
      install.hidden = state !== 'not_running';
    }

    function field(name) {
      var input = name ? form.querySelector('[name="' + name + '"]') : null;
      return input ? input.value : '';
    }

    async function challenge() {
      var body = new URLSearchParams();
      body.append('purpose', form.getAttribute('data-challenge-purpose') || 'auth');
      var response = await window.fetch(form.getAttribute('data-challenge-url'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': csrfToken, Accept: 'application/json' },
        body: body
      });
      if (!response.ok) {
        throw new SigningError('failed', message('challenge_failed'));
      }
      return (await response.json()).nonce;
    }

    function submit(nonce, cms) {
      form.querySelector('input[name=nonce]').value = nonce;
      form.querySelector('input[name=cms]').value = cms;
      form.submit();
    }

    install.href = INSTALL_URL;
    install.textContent = message('install');

    var ncalayerButton = document.getElementById('ecp-sign-ncalayer');
    ncalayerButton.addEventListener('click', async function () {
      try {
        var nonce = await challenge();
        var cms = await sign(toBase64(nonce), {
          attached: true, purpose: 'auth', onState: show, chooseStorage: storagePicker(picker)
        });
        submit(nonce, cms);
      } catch (error) {
        show(error.state || 'failed', error.message);
      }
    });

    var demoButton = document.getElementById('ecp-sign-demo');
    if (demoButton) {
      demoButton.addEventListener('click', async function () {
        try {
          var nonce = await challenge();
          var cms = await demoSign(demoButton.getAttribute('data-url'), {
            nonce: nonce,
            login: field(demoButton.getAttribute('data-login-field') || 'demo_login'),
            kind: field(demoButton.getAttribute('data-kind-field') || 'demo_kind') || 'individual',
            full_name: field(demoButton.getAttribute('data-name-field'))
          }, csrfToken);
          show('done', message('done'));
          submit(nonce, cms);
        } catch (error) {
          show('failed', message('demo_failed') + (error.detail || error.message));
        }
      });
    }
  }

  window.SotSigning = {
    sign: sign,
    demoSign: demoSign,
    message: message,
    toBase64: toBase64,
    attach: attach,
    storagePicker: storagePicker,
    INSTALL_URL: INSTALL_URL
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { attach(document); });
  } else {
    attach(document);
  }
}(window, document));

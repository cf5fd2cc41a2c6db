/*
 * The sign step of the filing wizard (R-FIL-4, R-ECP-5): NCALayer signs the manifest as a
 * detached CMS, the form posts it. States shown: connecting, choose storage, signing, cancelled,
 * NCALayer not running (and failed), each with a human message and the NCALayer install link.
 */
(function (window, document) {
  'use strict';

  var form = document.getElementById('sign-form');
  var payloadNode = document.getElementById('payload-data');
  if (!form || !payloadNode || !window.SotSigning) {
    return;
  }
  var signing = window.SotSigning;
  var payload = JSON.parse(payloadNode.textContent);
  var status = document.getElementById('ecp-status');
  var install = document.getElementById('ecp-install');
  var picker = document.getElementById('ecp-storages');
  var button = document.getElementById('sign-ncalayer');

  install.href = signing.INSTALL_URL;
  install.textContent = signing.message('install');
  install.setAttribute('rel', 'noopener');

  function show(state, text) {
    status.textContent = text;
    status.setAttribute('data-state', state);
    install.hidden = false;
    button.disabled = state === 'connecting' || state === 'signing' || state === 'choose_storage';
  }

  button.addEventListener('click', async function () {
    try {
      var cms = await signing.sign(signing.toBase64(payload), {
        attached: false,
        purpose: 'sign',
        onState: show,
        chooseStorage: signing.storagePicker(picker)
      });
      form.querySelector('input[name=cms]').value = cms;
      form.submit();
    } catch (error) {
      show(error.state || 'failed', error.message);
      button.disabled = false;
    }
  });
}(window, document));

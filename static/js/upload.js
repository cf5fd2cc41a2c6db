/*
 * Uploads of the filing wizard's files step, one file per annex entry (R-DOC-1..3).
 *
 * - The browser checks size and format at once (instant feedback); the server still decides:
 *   it sniffs the content and may refuse what the browser let through (an .exe named .pdf).
 * - Each file goes by XHR with a progress bar. The server answers the attachment's row as HTML;
 *   a row still being checked polls itself with htmx (static/vendor/htmx.min.js) until the
 *   verdict arrives, without a reload.
 * - Without JavaScript the form posts normally.
 */
(function (window, document) {
  'use strict';

  var configNode = document.getElementById('upload-config');
  if (!configNode) {
    return;
  }
  var config = JSON.parse(configNode.textContent);

  function extensionOf(name) {
    var dot = name.lastIndexOf('.');
    return dot < 0 ? '' : name.slice(dot).toLowerCase();
  }

  function clientProblem(file) {
    if (file.size === 0) {
      return config.messages.empty;
    }
    if (file.size > config.maxBytes) {
      return config.messages.too_large;
    }
    if (config.accept.indexOf(extensionOf(file.name)) < 0) {
      return config.messages.format;
    }
    return '';
  }

  function csrfToken(form) {
    var input = form.querySelector('input[name=csrfmiddlewaretoken]');
    return input ? input.value : '';
  }

  function insertRow(target, html) {
    var holder = document.createElement('div');
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    target.appendChild(row);
    if (window.htmx) {
      window.htmx.process(row);
    }
    return row;
  }

  function upload(form, input) {
    var file = input.files && input.files[0];
    var feedback = form.querySelector('.client-error');
    var progress = form.querySelector('progress');
    feedback.textContent = '';
    if (!file) {
      return;
    }
    var problem = clientProblem(file);
    if (problem) {
      feedback.textContent = problem;
      input.value = '';
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    input.removeAttribute('aria-invalid');
    var data = new FormData();
    data.append('title', form.getAttribute('data-title'));
    data.append('file', file);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action'));
    xhr.setRequestHeader('X-CSRFToken', csrfToken(form));
    xhr.setRequestHeader('Accept', 'application/json');
    progress.hidden = false;
    progress.value = 0;
    progress.setAttribute('aria-valuetext', config.messages.uploading);
    input.disabled = true;
    xhr.upload.addEventListener('progress', function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.addEventListener('load', function () {
      input.disabled = false;
      input.value = '';
      var body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch (error) {
        body = {};
      }
      if (xhr.status === 201 && body.html) {
        progress.value = 100;
        progress.hidden = true;
        insertRow(document.getElementById(form.getAttribute('data-target')), body.html);
        refreshChecklist();
        return;
      }
      progress.hidden = true;
      feedback.textContent = (body.error && body.error.message) || config.messages.failed;
    });
    xhr.addEventListener('error', function () {
      input.disabled = false;
      progress.hidden = true;
      feedback.textContent = config.messages.failed;
    });
    xhr.send(data);
  }

  // The "what is missing" list follows the uploads: fetch this page and take its list.
  function refreshChecklist() {
    window.fetch(window.location.href, { credentials: 'same-origin' })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        var fresh = page.getElementById('missing-list');
        var current = document.getElementById('missing-list');
        if (fresh && current) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () { /* the list refreshes on the next visit */ });
  }

  document.body.addEventListener('htmx:afterSwap', refreshChecklist);

  Array.prototype.forEach.call(document.querySelectorAll('form.upload'), function (form) {
    var input = form.querySelector('input[type=file]');
    input.addEventListener('change', function () { upload(form, input); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      upload(form, input);
    });
  });
}(window, document));

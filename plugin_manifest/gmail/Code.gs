/**
 * Tactful for Gmail: a Google Workspace add-on calling Tactful's HTTP API from Apps
 * Script (UrlFetchApp, server side: no browser, no CORS). The key and the service URL
 * are script properties the admin sets (Project Settings -> Script properties):
 * TACTFUL_URL and TACTFUL_KEY. Gmail cannot intercept a send, nor can a compose add-on
 * read the draft's body: the agent writes the reply in the add-on's card, which checks
 * it, sends it through the gate and only then inserts it into the draft.
 */

function tactful_(method, path, body, idempotencyKey) {
  var props = PropertiesService.getScriptProperties();
  var headers = { Authorization: 'Bearer ' + props.getProperty('TACTFUL_KEY') };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  var response = UrlFetchApp.fetch(props.getProperty('TACTFUL_URL') + path, {
    method: method,
    contentType: 'application/json',
    headers: headers,
    payload: body === undefined ? undefined : JSON.stringify(body),
    muteHttpExceptions: true,
  });
  var data = JSON.parse(response.getContentText() || 'null');
  if (response.getResponseCode() >= 400) {
    throw new Error('Tactful: ' + ((data && data.detail) || response.getResponseCode()));
  }
  return data;
}

function onHomepage() {
  return card_('Tactful', [CardService.newTextParagraph().setText(
    'Open a message to see suggested replies, or use "Check with Tactful" while writing one.')]);
}

/** Message trigger: the templates suggested for the open message. */
function onGmailMessage(e) {
  GmailApp.setCurrentMessageAccessToken(e.gmail.accessToken);
  var message = GmailApp.getMessageById(e.gmail.messageId);
  var found = tactful_('post', '/v1/templates/suggest', { message: message.getPlainBody().slice(0, 10000), channel: 'email' });
  var widgets = found.suggestions.map(function (s) {
    return CardService.newDecoratedText().setText(s.title).setBottomLabel(s.topic).setButton(
      CardService.newTextButton().setText('Draft reply').setComposeAction(
        CardService.newAction().setFunctionName('draftFromTemplate').setParameters({ template: s.id }),
        CardService.ComposedEmailType.REPLY_AS_DRAFT));
  });
  if (!widgets.length) widgets = [CardService.newTextParagraph().setText('No template matches this message.')];
  return card_('Suggested replies', widgets);
}

function draftFromTemplate(e) {
  GmailApp.setCurrentMessageAccessToken(e.gmail.accessToken);
  var message = GmailApp.getMessageById(e.gmail.messageId);
  var drafted = tactful_('post', '/v1/drafts', {
    template: e.parameters.template,
    channel: 'email',
    customer: { name: message.getFrom().replace(/<.*>/, '').trim() || null },
    thread: [{ author: 'customer', text: message.getPlainBody().slice(0, 10000) }],
  });
  var draft = message.createDraftReply(drafted.text);
  return CardService.newComposeActionResponseBuilder().setGmailDraft(draft).build();
}

/** Compose trigger: the card where the reply is checked and gated. */
function onGmailCompose() {
  return composeCard_('', []);
}

function composeCard_(text, widgets) {
  var reply = CardService.newTextInput().setFieldName('reply').setTitle('Your reply').setMultiline(true).setValue(text);
  var buttons = CardService.newButtonSet()
    .addButton(CardService.newTextButton().setText('Check').setOnClickAction(CardService.newAction().setFunctionName('checkReply')))
    .addButton(CardService.newTextButton().setText('Check and insert').setOnClickAction(CardService.newAction().setFunctionName('gateAndInsert')));
  return card_('Check with Tactful', [reply, buttons].concat(widgets));
}

function replyText_(e) {
  var inputs = e.commonEventObject.formInputs || {};
  return inputs.reply ? inputs.reply.stringInputs.value[0] : '';
}

function findingWidgets_(findings) {
  return findings.map(function (f) {
    return CardService.newDecoratedText().setTopLabel(f.severity).setText(f.message).setWrapText(true)
      .setBottomLabel(f.criteria.join(', '));
  });
}

function checkReply(e) {
  var text = replyText_(e);
  var report = tactful_('post', '/v1/check', { text: text, channel: 'email' });
  var summary = CardService.newTextParagraph().setText('<b>Verdict: ' + report.verdict + '</b>');
  return navigate_(composeCard_(text, [summary].concat(findingWidgets_(report.findings))));
}

function gateAndInsert(e) {
  var text = replyText_(e);
  var result = tactful_('post', '/v1/sends', { text: text, channel: 'email' }, Utilities.getUuid());
  if (result.allowed) return insert_(text);
  var blockers = result.report.findings.filter(function (f) { return result.blockers.indexOf(f.id) >= 0; });
  var reason = CardService.newTextInput().setFieldName('reason').setTitle('Why it must go as it is (recorded)').setMultiline(true);
  var override = CardService.newTextButton().setText('Override and insert').setOnClickAction(
    CardService.newAction().setFunctionName('overrideAndInsert').setParameters({ send: result.id, blockers: result.blockers.join(',') }));
  var blocked = CardService.newTextParagraph().setText('<b>Blocked.</b> Fix the reply, or override with a reason.');
  return navigate_(composeCard_(text, [blocked].concat(findingWidgets_(blockers), [reason, override])));
}

function overrideAndInsert(e) {
  var inputs = e.commonEventObject.formInputs || {};
  var reason = inputs.reason ? inputs.reason.stringInputs.value[0] : '';
  tactful_('post', '/v1/sends/' + encodeURIComponent(e.parameters.send) + '/override', {
    reason: reason,
    findings: e.parameters.blockers.split(','),
  });
  return insert_(replyText_(e));
}

function insert_(text) {
  return CardService.newUpdateDraftActionResponseBuilder().setUpdateDraftBodyAction(
    CardService.newUpdateDraftBodyAction()
      .addUpdateContent(text, CardService.ContentType.PLAIN_TEXT)
      .setUpdateType(CardService.UpdateDraftBodyType.IN_PLACE_INSERT)).build();
}

function card_(title, widgets) {
  var section = CardService.newCardSection();
  widgets.forEach(function (w) { section.addWidget(w); });
  return CardService.newCardBuilder().setHeader(CardService.newCardHeader().setTitle(title)).addSection(section).build();
}

function navigate_(card) {
  return CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().updateCard(card)).build();
}

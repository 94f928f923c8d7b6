-- bench/http/check.lua - wrk: POST /v1/calls/check with a 150-character
-- transcript (the seed's voicemail and a call-back request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"from":"+1(877)643-0291","to":"090-1234-5678","text":' ..
  '"NTTファイナンスより重要なお知らせがございます。オペレーターへお繋ぎいたしますので、' ..
  'ダイヤル1番を押してください。本日中にご対応がない場合、法的手続きに移ります。' ..
  'Please call back today at 1-877-643-0291 to avoid suspension."}'

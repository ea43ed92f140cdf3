// Package media is a test call's RTP side: the socket the SDP offer names,
// the stream sipprobe sends during the hold, and what comes back.
//
// It knows nothing about SIP. The probe package negotiates the call (SDP
// offer/answer) and tells a Session where to send and in which format.
package media
